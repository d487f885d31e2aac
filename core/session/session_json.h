#pragma once

#include "captured_exchange.h"

#include <QByteArray>
#include <QList>
#include <QString>

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
    QList<CapturedExchange> exchanges;
};

/// The format version this build writes and the newest it reads.
constexpr int kSessionFormatVersion = 1;

/// Writes \a session as a session file to \a device, copying it a chunk at a time so that the
/// session's lock is never held for long (appends go on meanwhile; what was appended after the
/// start is left for the next write). \a createdBy names the program ("corslab-cli 0.1.0").
bool writeSession(const Session &session, QIODevice *device, QString *error,
                  const QString &createdBy = {});
/// writeSession() to \a path atomically (QSaveFile): a crash or a full disk midway leaves the
/// previous file as it was.
bool writeSessionFile(const Session &session, const QString &path, QString *error,
                      const QString &createdBy = {});

/// Parses a session file. On a problem returns false and sets \a error to the field and what
/// was expected ("exchanges[12].response.status: expected an integer 0-999, got \"abc\"").
/// Files of a newer format version are refused.
bool parseSessionJson(const QByteArray &json, SessionFile *out, QString *error);
/// Parses \a json and, when it is valid, replaces \a session's content with it (profile and
/// body cap included); the kinds, pairing and verdicts are recomputed, not read. On an error
/// the session is left untouched.
bool readSession(const QByteArray &json, Session *session, QString *error);
/// readSession() from the file at \a path.
bool readSessionFile(const QString &path, Session *session, QString *error);

} // namespace corslab::session
