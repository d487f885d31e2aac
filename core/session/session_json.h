#pragma once

#include "captured_exchange.h"
#include "session_extension.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>

class QIODevice;

namespace corslab::session {

class Session;

/// \brief The content of a session file (docs/session-format.md), read but not yet loaded.
struct SessionFile
{
    int version = 1;
    QString createdBy;
    QString profile = QStringLiteral("chromium");
    qint64 bodyCap = 64 * 1024;
    /// The extension members read (session_extension.h), in the order of the known extensions;
    /// absent or null members are left out.
    ExtensionValues extensions;
    QList<CapturedExchange> exchanges;
};

/// \brief What a write puts in a session file besides the session itself.
struct WriteOptions
{
    QString createdBy; ///< the program ("corslab-cli 0.1.0"); empty: the application's name
    /// Extension members (the workspace's policy and rules), written after "bodyCap" in this
    /// order.
    ExtensionValues extensions;

    friend bool operator==(const WriteOptions &, const WriteOptions &) = default;
};

/// The format version this build writes and the newest it reads.
constexpr int kSessionFormatVersion = 1;

/// Writes \a session as a session file to \a device, copying it a chunk at a time so that the
/// session's lock is never held for long (appends go on meanwhile; what was appended after the
/// start is left for the next write). \a createdBy names the program ("corslab-cli 0.1.0").
bool writeSession(const Session &session, QIODevice *device, QString *error,
                  const QString &createdBy = {});
/// writeSession() with the extension members of \a options.
bool writeSession(const Session &session, QIODevice *device, QString *error,
                  const WriteOptions &options);
/// writeSession() to \a path atomically (QSaveFile): a crash or a full disk midway leaves the
/// previous file as it was.
bool writeSessionFile(const Session &session, const QString &path, QString *error,
                      const QString &createdBy = {});
bool writeSessionFile(const Session &session, const QString &path, QString *error,
                      const WriteOptions &options);

/// Parses a session file. On a problem returns false and sets \a error to the field and what
/// was expected ("exchanges[12].response.status: expected an integer 0-999, got \"abc\"").
/// Files of a newer format version are refused (newerFormatMessage()). Top-level members are
/// those of the format and of the \a known extensions; any other is refused by name.
bool parseSessionJson(const QByteArray &json, const SessionExtensions &known, SessionFile *out,
                      QString *error);
/// Parses \a json and, when it is valid, replaces \a session's content with it (profile and
/// body cap included); the kinds, pairing and verdicts are recomputed, not read. \a values (may
/// be null) receives the file's members of the \a known extensions, checked by them. On an
/// error the session and \a values are left untouched.
bool readSession(const QByteArray &json, Session *session, const SessionExtensions &known,
                 ExtensionValues *values, QString *error);
/// readSession() of a file without extension members.
bool readSession(const QByteArray &json, Session *session, QString *error);
/// readSession() from the file at \a path.
bool readSessionFile(const QString &path, Session *session, const SessionExtensions &known,
                     ExtensionValues *values, QString *error);
bool readSessionFile(const QString &path, Session *session, QString *error);

/// "written by a newer CORS Lab (format 99; this one reads up to 1)": what a reader says of a
/// \a version above the \a newest it knows.
QString newerFormatMessage(qint64 version, int newest);

// ---------------------------------------------------------------------------------------------
// The session file's parts, shared with the session store's settings frames and the recovery
// journal of earlier builds (session_journal.h), so that all spell an exchange and the settings
// the same way.

/// Appends \a x in the session file's form, with id \a id and without the informational
/// "computed" member, as one JSON object without a line break.
void appendExchangeJson(QByteArray *out, const CapturedExchange &x, qint64 id);
/// Reads one exchange in the session file's form; errors name \a field ("exchanges[3]").
bool exchangeFromJson(const QJsonValue &value, const QString &field, CapturedExchange *out,
                      QString *error);
/// A BrowserReport as the session file writes it (its "browser" member): one JSON object.
QByteArray browserReportJson(const BrowserReport &report);
/// Reads what browserReportJson() writes; errors name \a field.
bool browserReportFromJson(const QJsonValue &value, const QString &field, BrowserReport *out,
                           QString *error);
/// Appends the settings as JSON members separated by commas, without braces or line breaks:
/// "profile", "bodyCap", then the \a extensions in order.
void appendSettingsJson(QByteArray *out, const QString &profile, qint64 bodyCap,
                        const ExtensionValues &extensions);
/// Reads the members appendSettingsJson() writes from \a object into \a out's fields of the
/// same names (absent: the profile and body cap keep their values; the extensions become those
/// of the \a known ones \a object has). Errors name the field under \a parent. Other keys are
/// not checked.
bool settingsFromJson(const QJsonObject &object, const QString &parent,
                      const SessionExtensions &known, SessionFile *out, QString *error);
/// The keys settingsFromJson() reads, with \a known extensions.
QStringList settingsJsonKeys(const SessionExtensions &known);

/// \brief Loads exchanges read one at a time into a staging session, then replaces a session's
/// content with it at once: a reader that fails midway leaves the session as it was.
class StagedLoad
{
public:
    /// \a target gives the pairing window; it is not touched before adoptInto().
    explicit StagedLoad(const Session &target);
    ~StagedLoad();
    StagedLoad(const StagedLoad &) = delete;
    StagedLoad &operator=(const StagedLoad &) = delete;

    /// The browser profile to judge with (unknown names: chromium). Cheapest before add().
    void setProfile(const QString &name);
    void add(CapturedExchange &&x);
    qsizetype count() const { return m_count; }
    /// Hands everything added to \a session (Session::adopt()); its body cap becomes \a bodyCap,
    /// or the largest stored body when that is larger.
    void adoptInto(Session *session, qint64 bodyCap);

private:
    std::unique_ptr<Session> m_staging;
    QList<CapturedExchange> m_batch;
    qint64 m_largestBody = 0;
    qsizetype m_count = 0;
};

} // namespace corslab::session
