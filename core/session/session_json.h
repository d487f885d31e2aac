#pragma once

#include "captured_exchange.h"
#include "policy/cors_policy.h"
#include "proxy/override_rules.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

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
    /// The playground's CORS policy in force when the file was written; nullopt when the file
    /// has none (older files, or a writer without a playground such as `corslab-cli proxy`).
    std::optional<policy::CorsPolicy> policy;
    /// The proxy's override rules in force when the file was written (their policies keep the
    /// `{api}`, `{app}`, `{evil}` placeholders); nullopt when the file has none.
    std::optional<proxy::OverrideSet> rules;
    QList<CapturedExchange> exchanges;
};

/// \brief What a write puts in a session file besides the session itself.
struct WriteOptions
{
    QString createdBy; ///< the program ("corslab-cli 0.1.0"); empty: the application's name
    std::optional<policy::CorsPolicy> policy; ///< written as "policy" when set
    std::optional<proxy::OverrideSet> rules;  ///< written as "overrideRules" when set
};

/// The format version this build writes and the newest it reads.
constexpr int kSessionFormatVersion = 1;

/// Writes \a session as a session file to \a device, copying it a chunk at a time so that the
/// session's lock is never held for long (appends go on meanwhile; what was appended after the
/// start is left for the next write). \a createdBy names the program ("corslab-cli 0.1.0").
bool writeSession(const Session &session, QIODevice *device, QString *error,
                  const QString &createdBy = {});
/// writeSession() with the playground policy and the override rules in force (\a options).
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
/// Files of a newer format version are refused (newerFormatMessage()).
bool parseSessionJson(const QByteArray &json, SessionFile *out, QString *error);
/// Parses \a json and, when it is valid, replaces \a session's content with it (profile and
/// body cap included); the kinds, pairing and verdicts are recomputed, not read. \a policy and
/// \a rules (each may be null) receive the file's policy and override rules, nullopt when it
/// has none. On an error the session, \a policy and \a rules are left untouched.
bool readSession(const QByteArray &json, Session *session,
                 std::optional<policy::CorsPolicy> *policy,
                 std::optional<proxy::OverrideSet> *rules, QString *error);
/// readSession() that ignores the file's policy and rules.
bool readSession(const QByteArray &json, Session *session, QString *error);
/// readSession() from the file at \a path.
bool readSessionFile(const QString &path, Session *session,
                     std::optional<policy::CorsPolicy> *policy,
                     std::optional<proxy::OverrideSet> *rules, QString *error);
bool readSessionFile(const QString &path, Session *session, QString *error);

/// "written by a newer CORS Lab (format 99; this one reads up to 1)": what a reader says of a
/// \a version above the \a newest it knows.
QString newerFormatMessage(qint64 version, int newest);

// ---------------------------------------------------------------------------------------------
// The session file's parts, shared with the autosave's recovery journal (session_journal.h) so
// that both spell an exchange and the settings the same way.

/// Appends \a x in the session file's form, with id \a id and without the informational
/// "computed" member, as one JSON object without a line break.
void appendExchangeJson(QByteArray *out, const CapturedExchange &x, qint64 id);
/// Reads one exchange in the session file's form; errors name \a field ("exchanges[3]").
bool exchangeFromJson(const QJsonValue &value, const QString &field, CapturedExchange *out,
                      QString *error);
/// Appends the settings as JSON members separated by commas, without braces or line breaks:
/// "profile", "bodyCap", then "policy" and "overrideRules" when set.
void appendSettingsJson(QByteArray *out, const QString &profile, qint64 bodyCap,
                        const std::optional<policy::CorsPolicy> &policy,
                        const std::optional<proxy::OverrideSet> &rules);
/// Reads the members appendSettingsJson() writes from \a object into \a out's fields of the
/// same names (absent: the profile and body cap keep their values, policy and rules become
/// nullopt). Errors name the field under \a parent. Other keys are not checked.
bool settingsFromJson(const QJsonObject &object, const QString &parent, SessionFile *out,
                      QString *error);
/// The keys settingsFromJson() reads.
QStringList settingsJsonKeys();

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
