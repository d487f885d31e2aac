#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

/// \brief One CORS scenario to run in a real browser.
///
/// \c scenario has the shape
/// \code
/// {"request":   {"url": "{TARGET}/case/<id>/0", "origin": "{ORIGIN}", "method": "PUT",
///                "headers": [["Content-Type", "application/json"]], "credentials": "include",
///                "mode": "cors", "redirect": "follow", "body": "..."},
///  "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]},
///  "redirects": [{"status": 302, "headers": [["Location", "{OTHER}/case/<id>/1"]]}],
///  "response":  {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}}
/// \endcode
/// Every request field but url is optional (fetch() defaults apply); preflight and redirects are
/// optional. Any string may use the placeholders {ORIGIN} (the page origin), {TARGET} and {OTHER}
/// (the two cross-origin servers).
struct BrowserCase
{
    QString id;
    QJsonObject scenario;
    int repeat = 1; ///< How many times the page runs the fetch (e.g. to observe preflight caching).
};

/// The three loopback origins of one harness run.
struct HarnessOrigins
{
    QString page;   ///< http://127.0.0.1:P1, where the page runs ({ORIGIN}).
    QString target; ///< http://localhost:P2 ({TARGET}).
    QString other;  ///< http://localhost:P3 ({OTHER}).
};

/// Checks \a browserCase and returns its scenario with placeholders substituted and with the
/// Content-Length header the server sends appended to every response header list. A missing
/// preflight becomes the 404 the server answers OPTIONS with. Returns nullopt and sets \a error
/// when the case cannot be run faithfully (wrong url, unknown origin, malformed fields).
std::optional<QJsonObject> resolveScenario(const BrowserCase &browserCase,
                                           const HarnessOrigins &origins, QString *error);

/// The body the server sends with \a status: "ok" for 2xx responses that may carry content.
QByteArray scenarioBody(int status);
