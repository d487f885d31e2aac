#pragma once

#include "explanation_view.h"
#include "session/exchange_classifier.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace corslab::session {
class Session;
}

namespace corslab::report {

/// How a line of the pair view fared. Views draw ✓ / ✗ / ⚠ and a word: never colour alone.
enum class Mark {
    None,    ///< not looked at by a check
    Ok,      ///< a check read it and passed
    Failed,  ///< the check failed on it, or the fix must change it
    Warning, ///< passes today; a warning or a credentialed request would trip on it
};

/// "ok", "failed", "warning", "" (the word shown next to the mark).
QString markWord(Mark mark);
/// "✓", "✗", "⚠", "".
QString markSymbol(Mark mark);

/// \brief One header of a side, as sent or received, or one the verdict expected and did not
/// find (missing).
struct HeaderLine
{
    QByteArray name;
    QByteArray value;
    bool cors = false;     ///< a CORS header (Origin, Access-Control-*): highlighted
    bool decisive = false; ///< the header that decided the verdict
    bool missing = false;  ///< expected but absent: value is empty
    Mark mark = Mark::None;
    /// What the fix answers instead (empty when it changes nothing here; missing lines: the value
    /// to add).
    QByteArray expected;
    QString note; ///< short words: "credentials", "needs a preflight", "hidden from JavaScript"

    /// "Name: value", or "(Name missing)".
    QString text() const;
    /// What "Copy line" copies: "Name: value"; for a missing line, the line to add.
    QString copyText() const;
};

/// \brief The status line of a side's response.
struct StatusLine
{
    bool received = false; ///< false: no response (the transport failed, or none yet)
    int status = 0;
    QByteArray reason;
    QString error;         ///< the transport error, when the exchange failed
    bool decisive = false; ///< the status decided the verdict (a preflight's non-ok status)
    Mark mark = Mark::None;
    std::optional<int> expected; ///< the status the fix answers with

    /// "204 No Content", or "no response: upstream refused the connection".
    QString text() const;
};

/// \brief One half of the pair: the preflight (left) or the actual request (right), or why it
/// is absent.
struct PairSide
{
    enum class Role { Preflight, Actual };
    Role role = Role::Actual;
    bool present = false;
    qsizetype index = -1; ///< session index of the exchange shown, -1 when absent
    qint64 id = 0;
    session::ExchangeKind kind = session::ExchangeKind::NoCors;
    QString title; ///< "PREFLIGHT #12", "ACTUAL REQUEST #13", "SIMPLE REQUEST #14"...
    QByteArray method;
    QByteArray url;
    QList<HeaderLine> requestHeaders; ///< as sent, in order
    StatusLine status;
    /// As received, in order, then the missing ones the verdict or the fix expected.
    QList<HeaderLine> responseHeaders;
    /// Absent side: why ("no preflight: simple request...", "never sent: the preflight
    /// failed..."). Present side: empty.
    QString absentReason;
    /// Absent side: the exchange the sentence names (the preflight whose cache served the
    /// request), 0 when none.
    qint64 referencedId = 0;

    /// "PUT http://localhost:8080/items".
    QString requestLine() const;
    /// The response header named \a name (case-insensitive), nullptr when none is listed.
    const HeaderLine *responseHeader(QByteArrayView name) const;
    const HeaderLine *requestHeader(QByteArrayView name) const;
};

/// \brief What the detail region shows for a selected exchange: the preflight on the left, the
/// actual request on the right, and the explanation of the verdict under them.
struct PairView
{
    qsizetype selectedIndex = -1; ///< -1: nothing (index out of range)
    qint64 selectedId = 0;
    PairSide preflight; ///< left
    PairSide actual;    ///< right
    /// The verdict of the actual request when there is one (it includes the preflight's checks),
    /// else of the preflight on its own, else of the selected exchange.
    Explanation explanation;

    bool isEmpty() const { return selectedIndex < 0; }
};

/// Builds the pair for exchange \a index of \a session, under the session's profile: from either
/// half of a preflighted pair the same two sides. Deterministic; out of range: an empty PairView.
PairView buildPairView(const session::Session &session, qsizetype index);

} // namespace corslab::report
