#include "session_journal.h"

#include "base/json_reader.h"
#include "session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QStandardPaths>
#include <algorithm>
#include <cmath>

namespace corslab::session::journal {

namespace {

const QString kJournalFormatName = QStringLiteral("corslab-recovery");
const QString kJournalName = QStringLiteral("session.journal");

/// QSaveFile's temporary files ("session.journal.XXXXXX") that a crash during a rewrite left.
void removeLeftoverTemporaries(const QString &directory)
{
    QDir dir(directory);
    for (const QString &name :
         dir.entryList({kJournalName + QStringLiteral(".*")}, QDir::Files | QDir::Hidden))
        dir.remove(name);
}

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
    if (v > kFormatVersion) {
        r.failText(QStringLiteral("version"),
                   newerFormatMessage(qint64(std::min(v, 1e15)), kFormatVersion));
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

bool read(const QByteArray &data, Session *session, const SessionExtensions &known,
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

QString defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
           QStringLiteral("/recovery");
}

QString path(const QString &directory)
{
    return QDir(directory).filePath(kJournalName);
}

bool hasRecovery(const QString &directory)
{
    const QFileInfo journal(path(directory));
    return journal.isFile() && journal.size() > 0;
}

bool recover(const QString &directory, Session *session, const SessionExtensions &known,
             ExtensionValues *values, QString *error)
{
    const QString journalPath = path(directory);
    QFile file(journalPath);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the recovery journal %1: %2")
                     .arg(journalPath, file.errorString());
        return false;
    }
    // Mapped, not read: a journal of a million exchanges is more than a gigabyte.
    const qint64 size = file.size();
    const uchar *mapped = size > 0 ? file.map(0, size) : nullptr;
    const QByteArray data =
        mapped ? QByteArray::fromRawData(reinterpret_cast<const char *>(mapped), qsizetype(size))
               : file.readAll();
    QString why;
    if (!read(data, session, known, values, &why)) {
        *error = QStringLiteral("recovery journal %1: %2").arg(journalPath, why);
        return false;
    }
    return true;
}

bool discard(const QString &directory, QString *error)
{
    const QString journalPath = path(directory);
    removeLeftoverTemporaries(directory);
    if (QFile::exists(journalPath) && !QFile::remove(journalPath)) {
        if (error)
            *error = QStringLiteral("cannot delete the recovery journal %1").arg(journalPath);
        return false;
    }
    return true;
}

} // namespace corslab::session::journal
