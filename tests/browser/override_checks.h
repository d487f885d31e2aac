#pragma once

// What the "Apply in browser" tests share (tst_attach_overrides: Chromium, Fetch domain;
// tst_attach_firefox_overrides: Firefox, WebDriver BiDi): a loopback API that blocks the page's
// fetches, the rules that fix them, and the checks of the marks they leave in the session.

#include "attach/attachment.h"
#include "http/http_server.h"
#include "proxy/override_rules.h"
#include "session/session.h"

#include <QMutex>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>

/// What the page's two PUTs (/api/items, then /local/items) end in.
inline const QString kBothBlocked = QStringLiteral("blocked | blocked");
inline const QString kBothPass = QStringLiteral(R"(200 {"ok":true} | 200 {"ok":true})");
/// The first rule removed: only /local/items passes.
inline const QString kLocalPasses = QStringLiteral(R"(blocked | 200 {"ok":true})");

/// \brief The API the page fetch()es: it answers no preflight (404, like a framework without an
/// OPTIONS route) and sends no CORS header, so the page's fetches are blocked. Logs what it got.
class BlockingApi
{
public:
    /// Listens on 127.0.0.1 (the page reaches it as localhost); 0 with \a error when it cannot.
    quint16 start(QString *error);
    /// "METHOD /path" as the API got them since the last call.
    QStringList takeLog();

private:
    std::unique_ptr<corslab::http::HttpServer> m_server;
    QMutex m_mutex; ///< the server answers on its own thread
    QStringList m_log;
};

/// The override rules a user would apply for the page of \a pageOrigin: the API's own answer
/// replaced by a policy (its preflights still go to the server), and /local/*'s preflights
/// answered in the browser. Max-Age 0: no preflight result is cached from one load to the next.
corslab::proxy::OverrideSet applyInBrowserRules(quint16 apiPort, const QString &pageOrigin);

struct FoundExchange
{
    corslab::session::CapturedExchange exchange;
    corslab::session::ExchangeRow row;
};

/// The newest exchange of \a method and \a path from index \a first on (a load's last exchanges
/// may reach the session after the next load began).
std::optional<FoundExchange> findLatest(const corslab::session::Session &session, qsizetype first,
                                        const QByteArray &method, const QString &path);

/// What is wrong with the exchanges of a load with applyInBrowserRules() in force, from index
/// \a first on: each marked overridden by its rule with the server's answer kept, the local
/// preflight answered without the server, the PUTs passed in the browser's and the engine's eyes.
/// Empty when all is as it should be.
QStringList overriddenLoadProblems(const corslab::session::Session &session, qsizetype first,
                                   const QByteArray &pageOrigin);

/// One load of the page, once the session holds all of it: what the page's fetches ended in.
using PageLoad = std::function<QString()>;

/// The page under test: how to load it, the API it fetches, the session the attachment fills.
struct OverridePage
{
    BlockingApi &api;
    const corslab::session::Session &session;
    PageLoad load;
    QByteArray origin; ///< "http://127.0.0.1:PORT"
};

// Each check fails the running test (QTest) when what it checks does not hold; the caller
// returns on QTest::currentTestFailed().

/// Without rules in force: both fetches blocked, both preflights reached the API, no PUT did.
void checkBlocked(const OverridePage &page);
/// Sets \a rules (applyInBrowserRules()) on \a attachment: the next load passes, the locally
/// answered preflight never reaches the API, and the session holds the marks
/// overriddenLoadProblems() checks.
void checkRulesApply(corslab::attach::Attachment &attachment, const OverridePage &page,
                     const corslab::proxy::OverrideSet &rules);
/// With the rules in force: removing the first takes its fix away at once while the other stays,
/// and clearing them blocks both fetches again.
void checkRulesGoAway(corslab::attach::Attachment &attachment, const OverridePage &page);
