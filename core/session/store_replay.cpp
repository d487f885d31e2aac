#include "store_replay.h"

#include "heads_reader.h"
#include "record_file.h"
#include "store_frames.h"
#include "varint.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <optional>

namespace corslab::session {

namespace {

/// The segment numbers of the heads files in \a directory, ascending.
QList<quint32> segmentNumbers(const QString &directory)
{
    static const QRegularExpression name(QStringLiteral("^seg-(\\d{6,10})\\.heads$"));
    QList<quint32> numbers;
    const QStringList files =
        QDir(directory).entryList({QStringLiteral("seg-*.heads")}, QDir::Files);
    for (const QString &file : files) {
        const QRegularExpressionMatch m = name.match(file);
        if (m.hasMatch())
            numbers.append(m.captured(1).toUInt());
    }
    std::sort(numbers.begin(), numbers.end());
    return numbers;
}

/// Replays one heads file's frames into the result.
class SegmentReplay
{
public:
    SegmentReplay(StoreReplay &out, const SessionExtensions &known, SessionStore::Segment &segment)
        : m_out(out), m_known(known), m_segment(segment)
    {
    }

    /// False ends the replay at this frame; problem() says why.
    bool apply(quint8 type, QByteArrayView payload)
    {
        QString why;
        switch (HeadsFrame(type)) {
        case HeadsFrame::Dict:
            return m_out.store.applyDictDelta(payload, &why) || fail(why);
        case HeadsFrame::Settings:
            return applySettings(payload) || fail(QStringLiteral("unreadable settings"));
        case HeadsFrame::Exchange:
            return applyExchange(payload);
        case HeadsFrame::Derived:
            return m_out.store.applyDerived(payload, &why) || fail(why);
        case HeadsFrame::Link:
            return applyLink(payload) || fail(QStringLiteral("malformed link"));
        case HeadsFrame::Rejudged:
            m_out.settings.profile = QString::fromUtf8(payload);
            m_out.linksRead.clear();
            return true;
        }
        return true; // a frame type of a later minor version: skipped
    }
    QString problem() const { return m_problem; }

private:
    bool fail(const QString &why)
    {
        m_problem = why;
        return false;
    }

    bool applySettings(QByteArrayView payload)
    {
        QJsonParseError parse;
        const QJsonDocument doc = QJsonDocument::fromJson(payload.toByteArray(), &parse);
        QString why;
        return doc.isObject() && settingsFromJson(doc.object(), QStringLiteral("settings"), m_known,
                                                  &m_out.settings, &why);
    }

    bool applyExchange(QByteArrayView payload)
    {
        ExchangeStore &store = m_out.store;
        const char *p = payload.data();
        const quint64 seq = varint::read(p, p + payload.size());
        const quint64 next = store.seqOf(store.size());
        if (store.size() > 0 && seq < next)
            return true; // already restored (a segment written twice after a retry)
        if (store.size() > 0 && seq > next)
            return fail(QStringLiteral("exchanges %1 to %2 are missing (the disk failed while "
                                       "capturing); what follows them is not read")
                            .arg(next + 1)
                            .arg(seq));
        QString why;
        if (!store.restoreRecord(payload, &why))
            return fail(why);
        const qsizetype index = store.size() - 1;
        if (store.record(index).flags & ExchangeStore::BodiesDropped)
            ++m_out.report.bodiesNotKept;
        if (m_segment.exchanges == 0)
            m_segment.firstSeq = seq;
        ++m_segment.exchanges;
        m_segment.newestStartMs =
            std::max(m_segment.newestStartMs, store.record(index).startedAtMs);
        return true;
    }

    bool applyLink(QByteArrayView payload)
    {
        const char *p = payload.data();
        const char *end = p + payload.size();
        const quint64 preflight = varint::read(p, end);
        const quint64 actual = varint::read(p, end);
        if (p != end)
            return false;
        m_out.linksRead.emplace_back(preflight, actual);
        return true;
    }

    StoreReplay &m_out;
    const SessionExtensions &m_known;
    SessionStore::Segment &m_segment;
    QString m_problem;
};

} // namespace

bool replayStore(const QString &directory, quint32 epoch, bool truncate,
                 const SessionExtensions &known, StoreReplay *out, QString *error)
{
    const QList<quint32> numbers = segmentNumbers(directory);
    QList<QString> paths;
    for (const quint32 number : numbers)
        paths.append(QDir(directory).filePath(segmentFileName(number, RecordFile::Kind::Heads)));
    HeadsReader reader(paths, epoch,
                       truncate ? RecordFile::Mode::ReadWrite : RecordFile::Mode::ReadOnly);
    std::optional<SessionStore::Segment> segment;
    std::optional<SegmentReplay> replay;
    HeadsReader::Batch batch;
    while (reader.next(&batch)) {
        const QString &heads = paths.at(batch.file);
        if (!segment) {
            segment.emplace();
            segment->number = numbers.at(batch.file);
            segment->firstSeq = out->store.seqOf(out->store.size());
            segment->createdAtMs = QFileInfo(heads).lastModified().toMSecsSinceEpoch();
            replay.emplace(*out, known, *segment);
        }
        bool stopped = false;
        for (const HeadsReader::Batch::Frame &frame : batch.frames) {
            if (replay->apply(frame.type, batch.payload(frame)))
                continue;
            out->report.problems.append(QStringLiteral("%1, offset %2: %3")
                                            .arg(heads)
                                            .arg(frame.fileOffset)
                                            .arg(replay->problem()));
            stopped = true;
            break;
        }
        if (!batch.error.isEmpty()) {
            if (error)
                *error = batch.error;
            return false;
        }
        if (!stopped && !batch.last)
            continue;
        if (batch.last) {
            out->report.cutBytes += batch.scan.cutBytes;
            if (batch.scan.cutBytes > 0)
                out->report.problems.append(
                    QStringLiteral("%1: %2 bytes after offset %3 were torn (a crash) and %4")
                        .arg(heads)
                        .arg(batch.scan.cutBytes)
                        .arg(batch.scan.validLength)
                        .arg(truncate ? QStringLiteral("cut") : QStringLiteral("ignored")));
        }
        const QString bodies =
            QDir(directory).filePath(segmentFileName(segment->number, RecordFile::Kind::Bodies));
        segment->bytes = QFileInfo(heads).size() + QFileInfo(bodies).size();
        out->segments.push_back(*segment);
        replay.reset();
        segment.reset();
        if (stopped)
            break; // the reader stops when it goes
    }
    out->links.reserve(qsizetype(out->linksRead.size()));
    for (const auto &[preflight, actual] : out->linksRead)
        out->links[preflight].append(actual);
    out->linksRead = {};
    out->report.segments = qint64(out->segments.size());
    out->report.exchanges = out->store.size();
    return true;
}

} // namespace corslab::session
