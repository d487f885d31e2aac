#include "session_journal.h"

#include "base/json_reader.h"
#include "session.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSaveFile>
#include <algorithm>
#include <cmath>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif

namespace corslab::session {

namespace {

const QString kJournalFormatName = QStringLiteral("corslab-recovery");
const QString kClearedWhileSaving =
    QStringLiteral("the session was cleared while it was being saved");
// Exchanges per chunk line: one snapshot (a short read lock) each, and a line of about a
// megabyte at most for a recovery to parse at once.
constexpr qsizetype kChunk = 512;
// Encoded lines are handed to the file every few megabytes, so memory stays bounded however
// much arrived since the last save.
constexpr qsizetype kFlushAt = 4 << 20;

QByteArray headerLine(const WriteOptions &options)
{
    const QString program =
        options.createdBy.isEmpty()
            ? QStringLiteral("CORS Lab (%1)").arg(QCoreApplication::applicationName())
            : options.createdBy;
    const QJsonObject header{
        {QStringLiteral("format"), kJournalFormatName},
        {QStringLiteral("version"), kJournalFormatVersion},
        {QStringLiteral("createdBy"), program},
        {QStringLiteral("createdAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
    return QJsonDocument(header).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray settingsLine(const Session &session, const WriteOptions &options)
{
    QByteArray line = "{\"settings\":{";
    appendSettingsJson(&line, session.profile().name, session.bodyCap(), options.extensions);
    line += "}}\n";
    return line;
}

// After a rename, the directory entry is what makes the new file survive a power cut.
void syncDirectory(const QString &directory)
{
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(directory).constData(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#else
    Q_UNUSED(directory);
#endif
}

bool syncToDisk(QFile &file, QString *error)
{
    if (!file.flush()) {
        *error = QStringLiteral("cannot write the recovery journal %1: %2")
                     .arg(file.fileName(), file.errorString());
        return false;
    }
#ifdef Q_OS_UNIX
    if (::fdatasync(file.handle()) != 0) {
        *error =
            QStringLiteral("cannot sync the recovery journal %1 to the disk").arg(file.fileName());
        return false;
    }
#endif
    return true;
}

} // namespace

SessionJournal::SessionJournal(QString path) : m_path(std::move(path))
{
}

SessionJournal::~SessionJournal() = default;

bool SessionJournal::sync(const Session &session, const WriteOptions &options, QString *error)
{
    QElapsedTimer timer;
    timer.start();
    const QByteArray settings = settingsLine(session, options);
    bool ok = false;
    QString why;
    // A session cleared or replaced while it was being copied is not a failure: start over
    // (a few times: the user cannot clear faster than that).
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_stats = {};
        const quint64 generation = session.generation();
        ok = m_needsRewrite || generation != m_generation
                 ? rewrite(session, options, settings, &why)
                 : appendNew(session, settings, &why);
        if (ok || session.generation() == generation)
            break;
    }
    m_stats.wallNs = timer.nsecsElapsed();
    if (!ok)
        *error = why;
    return ok;
}

bool SessionJournal::rewrite(const Session &session, const WriteOptions &options,
                             const QByteArray &settings, QString *error)
{
    m_file.close();
    m_needsRewrite = true;
    m_stats.rewritten = true;
    const QString directory = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(directory)) {
        *error = QStringLiteral("cannot create the directory %1 for the recovery journal")
                     .arg(directory);
        return false;
    }
    const quint64 generation = session.generation();
    const qsizetype total = session.count();
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write the recovery journal %1: %2")
                     .arg(m_path, file.errorString());
        return false;
    }
    QByteArray lines = headerLine(options) + settings;
    if (!encodeExchanges(session, 0, total, generation, &lines, &file, error) ||
        !writeOut(&file, &lines, error)) {
        file.cancelWriting();
        return false;
    }
    // commit() syncs the file to the disk before renaming it over the old journal.
    if (!file.commit()) {
        *error = QStringLiteral("cannot write the recovery journal %1: %2")
                     .arg(m_path, file.errorString());
        return false;
    }
    syncDirectory(directory);
    m_file.setFileName(m_path);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        *error = QStringLiteral("cannot append to the recovery journal %1: %2")
                     .arg(m_path, m_file.errorString());
        return false;
    }
    m_generation = generation;
    m_written = total;
    m_settings = settings;
    m_needsRewrite = false;
    m_stats.exchanges = total;
    return true;
}

bool SessionJournal::appendNew(const Session &session, const QByteArray &settings, QString *error)
{
    const qsizetype total = session.count();
    if (total < m_written) {
        *error = kClearedWhileSaving;
        return false;
    }
    if (total == m_written && settings == m_settings)
        return true;
    QByteArray lines;
    if (settings != m_settings)
        lines = settings;
    // A failure midway may leave part of the lines in the file: the next sync starts over.
    m_needsRewrite = true;
    if (!encodeExchanges(session, m_written, total, m_generation, &lines, &m_file, error) ||
        !writeOut(&m_file, &lines, error) || !syncToDisk(m_file, error))
        return false;
    // Cleared and filled again meanwhile, with no chunk copied to notice it: start over.
    if (session.generation() != m_generation) {
        *error = kClearedWhileSaving;
        return false;
    }
    m_needsRewrite = false;
    m_stats.exchanges = total - m_written;
    m_written = total;
    m_settings = settings;
    return true;
}

bool SessionJournal::encodeExchanges(const Session &session, qsizetype from, qsizetype total,
                                     quint64 generation, QByteArray *lines, QIODevice *device,
                                     QString *error)
{
    for (qsizetype first = from; first < total; first += kChunk) {
        const qsizetype n = std::min(kChunk, total - first);
        const Session::Snapshot s = session.snapshot(first, n);
        if (s.generation != generation || s.exchanges.size() != n) {
            *error = kClearedWhileSaving;
            return false;
        }
        lines->append("{\"first\":").append(QByteArray::number(first)).append(",\"exchanges\":[");
        for (qsizetype i = 0; i < n; ++i) {
            if (i)
                lines->append(',');
            appendExchangeJson(lines, s.exchanges.at(i), first + i + 1);
        }
        lines->append("]}\n");
        if (lines->size() >= kFlushAt && !writeOut(device, lines, error))
            return false;
    }
    return true;
}

bool SessionJournal::writeOut(QIODevice *device, QByteArray *lines, QString *error)
{
    if (lines->isEmpty())
        return true;
    if (device->write(*lines) != lines->size()) {
        *error = QStringLiteral("cannot write the recovery journal %1: %2")
                     .arg(m_path, device->errorString());
        return false;
    }
    m_stats.bytes += lines->size();
    lines->truncate(0);
    return true;
}

bool SessionJournal::remove(QString *error)
{
    m_file.close();
    m_needsRewrite = true;
    m_generation = 0;
    m_written = 0;
    m_settings.clear();
    if (QFile::exists(m_path) && !QFile::remove(m_path)) {
        if (error)
            *error = QStringLiteral("cannot delete the recovery journal %1").arg(m_path);
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Reading.

namespace {

/// Splits the complete lines of a journal (a torn last line is left out) and reads each as a
/// JSON object, naming the line in every error.
class LineReader
{
public:
    LineReader(const QByteArray &data, QString *error) : m_data(data), m_error(error)
    {
        m_end = data.lastIndexOf('\n') + 1; // past the last complete line
    }

    qint64 tailBytes() const { return m_data.size() - m_end; }
    int lineNumber() const { return m_line; }
    /// The next complete line's text (without its '\n'); false at the end.
    bool next(QByteArrayView *line)
    {
        if (m_pos >= m_end)
            return false;
        const qsizetype stop = m_data.indexOf('\n', m_pos);
        *line = QByteArrayView(m_data).sliced(m_pos, stop - m_pos);
        m_pos = stop + 1;
        ++m_line;
        return true;
    }
    bool parse(QByteArrayView line, QJsonObject *out)
    {
        QJsonParseError parseError;
        const QJsonDocument doc =
            QJsonDocument::fromJson(QByteArray::fromRawData(line.data(), line.size()), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return fail(QStringLiteral("not a valid JSON document: %1 at byte %2")
                            .arg(parseError.errorString())
                            .arg(parseError.offset));
        if (!doc.isObject())
            return fail(QStringLiteral("expected a JSON object"));
        *out = doc.object();
        return true;
    }
    /// Prefixes the error already set with the line ("line 12: ...") and returns false.
    bool located()
    {
        *m_error = QStringLiteral("line %1: ").arg(m_line) + *m_error;
        return false;
    }
    bool fail(const QString &message)
    {
        *m_error = message;
        return located();
    }

private:
    const QByteArray &m_data;
    QString *m_error;
    qsizetype m_end = 0;
    qsizetype m_pos = 0;
    int m_line = 0;
};

bool readHeader(LineReader &lines, QString *error)
{
    QByteArrayView text;
    QJsonObject header;
    if (!lines.next(&text)) {
        *error = QStringLiteral("line 1: the header is incomplete: expected "
                                "{\"format\": \"%1\", ...} on a line of its own")
                     .arg(kJournalFormatName);
        return false;
    }
    if (!lines.parse(text, &header))
        return false;
    base::JsonReader r(error);
    const QJsonValue format = header.value(QStringLiteral("format"));
    if (format.toString() != kJournalFormatName) {
        r.fail(QStringLiteral("format"),
               QStringLiteral("\"%1\" (a CORS Lab recovery journal)").arg(kJournalFormatName),
               format);
        return lines.located();
    }
    const QJsonValue version = header.value(QStringLiteral("version"));
    const double v = version.toDouble();
    if (!version.isDouble() || v != std::floor(v) || v < 1) {
        r.fail(QStringLiteral("version"), QStringLiteral("an integer >= 1"), version);
        return lines.located();
    }
    if (v > kJournalFormatVersion) {
        r.failText(QStringLiteral("version"),
                   newerFormatMessage(qint64(std::min(v, 1e15)), kJournalFormatVersion));
        return lines.located();
    }
    if (!r.checkKeys(header, {},
                     {QStringLiteral("format"), QStringLiteral("version"),
                      QStringLiteral("createdBy"), QStringLiteral("createdAt")}))
        return lines.located();
    return true;
}

/// The profile of the last settings line, found without reading the exchanges: set before
/// loading, it spares judging everything twice. Errors are left to the full pass.
QString lastProfile(const QByteArray &data)
{
    const QByteArrayView prefix = "{\"settings\":";
    qsizetype end = data.lastIndexOf('\n');
    while (end > 0) {
        const qsizetype start = data.lastIndexOf('\n', end - 1) + 1;
        const QByteArrayView line = QByteArrayView(data).sliced(start, end - start);
        if (line.startsWith(prefix)) {
            const QJsonObject o = QJsonDocument::fromJson(line.toByteArray()).object();
            return o.value(QStringLiteral("settings"))
                .toObject()
                .value(QStringLiteral("profile"))
                .toString();
        }
        end = start - 1;
    }
    return {};
}

bool readSettingsLine(LineReader &lines, const QJsonObject &o, const SessionExtensions &known,
                      SessionFile *settings, QString *error)
{
    base::JsonReader r(error);
    const QJsonValue value = o.value(QStringLiteral("settings"));
    if (!r.checkKeys(o, {}, {QStringLiteral("settings")}))
        return lines.located();
    if (!value.isObject()) {
        r.fail(QStringLiteral("settings"), QStringLiteral("an object"), value);
        return lines.located();
    }
    if (!r.checkKeys(value.toObject(), QStringLiteral("settings"), settingsJsonKeys(known)) ||
        !settingsFromJson(value.toObject(), QStringLiteral("settings"), known, settings, error))
        return lines.located();
    return true;
}

bool readChunkLine(LineReader &lines, const QJsonObject &o, StagedLoad *load, QString *error)
{
    base::JsonReader r(error);
    if (!r.checkKeys(o, {}, {QStringLiteral("first"), QStringLiteral("exchanges")}))
        return lines.located();
    // Chunks follow each other: a gap or an overlap means lines were lost or repeated.
    const QJsonValue first = o.value(QStringLiteral("first"));
    if (!first.isDouble() || first.toDouble() != double(load->count())) {
        r.fail(QStringLiteral("first"),
               QStringLiteral("%1 (the number of exchanges before this line)").arg(load->count()),
               first);
        return lines.located();
    }
    const QJsonValue exchanges = o.value(QStringLiteral("exchanges"));
    if (!exchanges.isArray()) {
        r.fail(QStringLiteral("exchanges"), QStringLiteral("an array of exchanges"), exchanges);
        return lines.located();
    }
    const QJsonArray array = exchanges.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        CapturedExchange x;
        if (!exchangeFromJson(array.at(i), QStringLiteral("exchanges[%1]").arg(i), &x, error))
            return lines.located();
        load->add(std::move(x));
    }
    return true;
}

} // namespace

bool SessionJournal::read(const QByteArray &data, Session *session, const SessionExtensions &known,
                          ExtensionValues *values, QString *error, ReadStats *stats)
{
    if (data.isEmpty()) {
        *error = QStringLiteral("the recovery journal is empty");
        return false;
    }
    LineReader lines(data, error);
    if (!readHeader(lines, error))
        return false;
    StagedLoad load(*session);
    SessionFile settings; // the defaults until a settings line says otherwise
    const QString profile = lastProfile(data);
    load.setProfile(profile.isEmpty() ? settings.profile : profile);
    QByteArrayView text;
    while (lines.next(&text)) {
        QJsonObject o;
        if (!lines.parse(text, &o))
            return false;
        if (o.contains(QStringLiteral("settings"))) {
            if (!readSettingsLine(lines, o, known, &settings, error))
                return false;
        } else if (o.contains(QStringLiteral("exchanges"))) {
            if (!readChunkLine(lines, o, &load, error))
                return false;
        } else {
            return lines.fail(QStringLiteral("expected a settings line {\"settings\": {...}} or "
                                             "exchanges {\"first\": ..., \"exchanges\": [...]}"));
        }
    }
    load.setProfile(settings.profile); // no-op unless the pre-scan was misled
    load.adoptInto(session, settings.bodyCap);
    if (values)
        *values = settings.extensions;
    if (stats)
        *stats = ReadStats{lines.lineNumber(), lines.tailBytes()};
    return true;
}

} // namespace corslab::session
