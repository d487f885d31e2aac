#include "override_checks.h"

#include <QSignalSpy>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;

quint16 BlockingApi::start(QString *error)
{
    m_server = std::make_unique<http::HttpServer>([this](const http::HttpRequest &request) {
        {
            QMutexLocker lock(&m_mutex);
            m_log.append(QString::fromLatin1(request.method + ' ' + request.path()));
        }
        if (request.method == "OPTIONS")
            return http::HttpResponse{404, {}, {{"X-Server", "yes"}}, "no OPTIONS route", 0};
        return http::HttpResponse{200,
                                  {},
                                  {{"Content-Type", "application/json"}, {"X-Server", "yes"}},
                                  R"({"ok":true})",
                                  0};
    });
    return m_server->listen(QHostAddress::LocalHost, 0, u"api"_s, error);
}

QStringList BlockingApi::takeLog()
{
    QMutexLocker lock(&m_mutex);
    return std::exchange(m_log, {});
}

proxy::OverrideSet applyInBrowserRules(quint16 apiPort, const QString &pageOrigin)
{
    const QString json = uR"({"rules": [
      {"name": "api answers CORS", "host": "localhost:%1", "path": "/api/*",
       "policy": {"allow_origin": {"mode": "allowlist", "origins": ["%2"]},
                  "allow_methods": {"mode": "list", "values": ["PUT"]},
                  "allow_headers": {"mode": "list", "values": ["X-Custom"]}, "max_age": 0}},
      {"name": "local preflights", "host": "localhost:%1", "path": "/local/*",
       "answer_preflights": true,
       "set": [["Access-Control-Allow-Origin", "%2"], ["Access-Control-Allow-Methods", "PUT"],
               ["Access-Control-Allow-Headers", "X-Custom"], ["Access-Control-Max-Age", "0"]]}
    ]})"_s.arg(apiPort)
                             .arg(pageOrigin);
    proxy::OverrideSet set;
    QString error;
    if (!proxy::OverrideSet::fromJson(json.toUtf8(), &set, &error))
        qFatal("the test's rules do not load: %s", qPrintable(error));
    return set;
}

std::optional<FoundExchange> findLatest(const session::Session &session, qsizetype first,
                                        const QByteArray &method, const QString &path)
{
    for (qsizetype i = session.count() - 1; i >= first; --i) {
        const session::ExchangeRow row = session.row(i);
        if (row.method == method && QUrl(QString::fromUtf8(row.url)).path() == path)
            return FoundExchange{session.exchange(i), row};
    }
    return std::nullopt;
}

namespace {

/// Collects what differs from what is expected, one line each.
class Expect
{
public:
    explicit Expect(QString what) : m_what(std::move(what)) {}
    void that(bool holds, const QString &expectation)
    {
        if (!holds)
            m_problems.append(m_what + u": "_s + expectation);
    }
    QStringList problems() const { return m_problems; }

private:
    QString m_what;
    QStringList m_problems;
};

QStringList preflightProblems(const session::Session &session, qsizetype first)
{
    Expect api(u"OPTIONS /api/items"_s);
    const std::optional<FoundExchange> changed =
        findLatest(session, first, "OPTIONS", u"/api/items"_s);
    api.that(changed.has_value(), u"in the session"_s);
    if (changed) {
        const session::CapturedExchange &p = changed->exchange;
        api.that(p.overridden && !p.answeredLocally, u"overridden, by the server's answer"_s);
        api.that(p.overrideRule == u"api answers CORS"_s, u"by its rule"_s);
        api.that(p.upstreamStatus == 404, u"the server's 404 kept"_s);
        api.that(base::getHeader(p.upstreamResponseHeaders, "X-Server") == "yes" &&
                     !base::getHeader(p.upstreamResponseHeaders, "Access-Control-Allow-Origin"),
                 u"the server's headers kept"_s);
        api.that(p.status == 204 &&
                     base::getHeader(p.responseHeaders, "Access-Control-Allow-Origin").has_value(),
                 u"204 with the policy's headers as the browser got it"_s);
    }
    Expect local(u"OPTIONS /local/items"_s);
    const std::optional<FoundExchange> answered =
        findLatest(session, first, "OPTIONS", u"/local/items"_s);
    local.that(answered.has_value(), u"in the session"_s);
    if (answered) {
        const session::CapturedExchange &p = answered->exchange;
        local.that(p.overridden && p.answeredLocally, u"answered in the browser"_s);
        local.that(p.overrideRule == u"local preflights"_s, u"by its rule"_s);
        local.that(p.status == 204 && p.upstreamStatus == 0, u"204, no server answer"_s);
    }
    return api.problems() + local.problems();
}

} // namespace

QStringList overriddenLoadProblems(const session::Session &session, qsizetype first,
                                   const QByteArray &pageOrigin)
{
    QStringList problems = preflightProblems(session, first);
    for (const QString &path : {u"/api/items"_s, u"/local/items"_s}) {
        Expect put(u"PUT "_s + path);
        const std::optional<FoundExchange> found = findLatest(session, first, "PUT", path);
        put.that(found.has_value(), u"in the session"_s);
        if (!found) {
            problems += put.problems();
            continue;
        }
        const session::CapturedExchange &x = found->exchange;
        put.that(x.overridden, u"overridden"_s);
        put.that(x.upstreamStatus == 200 &&
                     !base::getHeader(x.upstreamResponseHeaders, "Access-Control-Allow-Origin"),
                 u"the server's answer kept"_s);
        put.that(base::getHeader(x.responseHeaders, "Access-Control-Allow-Origin") == pageOrigin,
                 u"the page's origin allowed as the browser got it"_s);
        // The browser let it through, and the engine, judging what the browser got, agrees.
        put.that(x.browserReport && x.browserReport->corsError.isEmpty(),
                 u"no CORS error from the browser"_s);
        put.that(found->row.browserAgreement() == session::BrowserAgreement::Agrees,
                 u"the engine agrees with the browser"_s);
        problems += put.problems();
    }
    return problems;
}

namespace {
constexpr int kAppliedWaitMs = 15000;
} // namespace

void checkBlocked(const OverridePage &page)
{
    QCOMPARE(page.load(), kBothBlocked);
    QCOMPARE(page.api.takeLog(), QStringList({u"OPTIONS /api/items"_s, u"OPTIONS /local/items"_s}));
}

void checkRulesApply(attach::Attachment &attachment, const OverridePage &page,
                     const proxy::OverrideSet &rules)
{
    QSignalSpy applied(&attachment, &attach::Attachment::overridesApplied);
    attachment.setOverrides(rules);
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kAppliedWaitMs);
    QCOMPARE(attachment.overrides().rules().size(), rules.rules().size());
    const qsizetype first = page.session.count();
    QCOMPARE(page.load(), kBothPass);
    // The locally answered preflight never reached the server.
    QCOMPARE(page.api.takeLog(),
             QStringList({u"OPTIONS /api/items"_s, u"PUT /api/items"_s, u"PUT /local/items"_s}));
    // The session shows what the browser got, marked, with the server's answer kept.
    const QStringList problems = overriddenLoadProblems(page.session, first, page.origin);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void checkRulesGoAway(attach::Attachment &attachment, const OverridePage &page)
{
    QSignalSpy applied(&attachment, &attach::Attachment::overridesApplied);
    QVERIFY(attachment.removeOverride(0));
    QVERIFY(!attachment.removeOverride(5));
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kAppliedWaitMs);
    QCOMPARE(page.load(), kLocalPasses);
    QCOMPARE(page.api.takeLog(), QStringList({u"OPTIONS /api/items"_s, u"PUT /local/items"_s}));
    applied.clear();
    attachment.clearOverrides();
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kAppliedWaitMs);
    QVERIFY(attachment.overrides().rules().isEmpty());
    checkBlocked(page);
}
