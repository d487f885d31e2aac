#pragma once

#include "session_json.h"

#include <QByteArray>
#include <QString>

namespace corslab::session {

class Session;

/// \brief The recovery journal that builds before the session store kept
/// (docs/session-format.md § Recovery journal of earlier builds): read once, when a crash of
/// such a build left one, then deleted. Nothing writes it any more.
///
/// One JSON object per line: a header, then settings lines (profile, body cap, the extension
/// members such as the workspace's policy and rules) whenever they changed, and chunks of
/// exchanges in the session file's form. A crash could only tear the last line, which read()
/// ignores.
namespace journal {

/// The newest journal format version this build reads.
constexpr int kFormatVersion = 1;

/// What read() found besides the exchanges.
struct ReadStats
{
    qsizetype lines = 0;         ///< complete lines read, the header included
    qint64 ignoredTailBytes = 0; ///< a torn last line (a crash mid-write), ignored
};

/// `<AppLocalDataLocation>/recovery`: where the desktop app kept its journal (and keeps its
/// session store).
QString defaultDirectory();
/// The journal's file in \a directory.
QString path(const QString &directory);

/// Reads journal \a data into \a session (replacing its content, as readSession() does) and the
/// members of the \a known extensions of the last settings line into \a values (may be null).
/// A torn last line is ignored; any other problem gives false and \a error naming the line and
/// the field ("line 12: exchanges[3].request.method: expected ..."), the session and \a values
/// left untouched.
bool read(const QByteArray &data, Session *session, const SessionExtensions &known,
          ExtensionValues *values, QString *error, ReadStats *stats = nullptr);

/// Whether \a directory holds a journal a crash left.
bool hasRecovery(const QString &directory);
/// read() of the journal in \a directory; errors name it ("recovery journal /path: line 12:
/// ...").
bool recover(const QString &directory, Session *session, const SessionExtensions &known,
             ExtensionValues *values, QString *error);
/// Deletes the journal in \a directory (and any temporary file a crash during a rewrite left).
/// False with \a error when it cannot be deleted.
bool discard(const QString &directory, QString *error = nullptr);

} // namespace journal

} // namespace corslab::session
