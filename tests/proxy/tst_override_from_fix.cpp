// "Apply as proxy override": the rules made from a fix give the browser the fixed response,
// checked by running the rules over the server's response and judging it again.
#include "cors/cors_engine.h"
#include "cors/fix_finder.h"
#include "proxy/override_from_fix.h"

#include <QtTest>

using namespace corslab;

namespace {

const QUrl kUrl(QStringLiteral("http://localhost:8080/items?page=2"));

http::HttpRequest request(const QByteArray &method, const base::HeaderList &headers)
{
    http::HttpRequest r;
    r.method = method;
    r.target = "/items?page=2";
    r.headers = headers;
    return r;
}

} // namespace

class TestOverrideFromFix : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rulesGiveTheBrowserTheFix()
    {
        // A preflighted PUT: the preflight does not allow PUT, the response lacks Allow-Origin.
        cors::Scenario s;
        QString error;
        QVERIFY(cors::Origin::parse(QStringLiteral("http://localhost:3000"), &s.origin, &error));
        s.setUrl(kUrl);
        s.method = "PUT";
        s.preflight = cors::ResponseSpec{204,
                                         {{"Access-Control-Allow-Origin", "http://localhost:3000"},
                                          {"Access-Control-Allow-Methods", "GET"}}};
        s.response = cors::ResponseSpec{200, {{"Content-Type", "application/json"}}};
        const auto &profile = cors::BrowserProfile::get(cors::Browser::Chromium);
        cors::Verdict v = cors::evaluate(s, profile);
        QVERIFY(!v.exposed);
        // Fix one failure at a time, as a user would: each fix becomes rules, applied in turn.
        proxy::OverrideSet set;
        for (int round = 0; round < 3 && !v.exposed; ++round) {
            const std::optional<cors::Fix> fix = cors::findFix(s, v, profile);
            QVERIFY(fix);
            QList<proxy::OverrideRule> rules;
            QVERIFY2(
                proxy::overrideRulesForFix(*fix, kUrl, "PUT", s.preflight->headers, &rules, &error),
                qPrintable(error));
            for (const proxy::OverrideRule &rule : rules) {
                QCOMPARE(rule.host, QStringLiteral("localhost:8080"));
                QCOMPARE(rule.path, QStringLiteral("/items"));
            }
            QVERIFY2(proxy::OverrideSet::fromRules(rules, {}, &set, &error), qPrintable(error));
            const http::HttpRequest preflight =
                request("OPTIONS", {{"Origin", "http://localhost:3000"},
                                    {"Access-Control-Request-Method", "PUT"}});
            QString ruleName;
            set.applyToResponse(preflight, "localhost:8080", "/items", &s.preflight->status,
                                &s.preflight->headers, &ruleName);
            set.applyToResponse(request("PUT", {{"Origin", "http://localhost:3000"}}),
                                "localhost:8080", "/items", &s.response.status, &s.response.headers,
                                &ruleName);
            v = cors::evaluate(s, profile);
        }
        QVERIFY2(v.exposed, qPrintable(cors::corsErrorName(v.error)));
    }

    void preflightStatusIsAnsweredByTheProxy()
    {
        cors::Fix fix;
        fix.preflight = cors::HeaderPatch{};
        fix.preflight->status = 204;
        fix.preflight->setHeader("Access-Control-Allow-Methods", "PUT");
        const base::HeaderList server = {{"Access-Control-Allow-Origin", "http://localhost:3000"},
                                         {"Access-Control-Allow-Methods", "GET"},
                                         {"Server", "nginx"}};
        QList<proxy::OverrideRule> rules;
        QString error;
        QVERIFY(proxy::overrideRulesForFix(fix, kUrl, "PUT", server, &rules, &error));
        QCOMPARE(rules.size(), 1);
        QVERIFY(rules.at(0).answerPreflights);
        QCOMPARE(rules.at(0).methods, QList<QByteArray>{"OPTIONS"});
        // The server's CORS headers are kept, the fixed one replaced, the rest left out.
        const base::HeaderList expected = {{"Access-Control-Allow-Origin", "http://localhost:3000"},
                                           {"Access-Control-Allow-Methods", "PUT"}};
        QCOMPARE(rules.at(0).set, expected);
    }

    void notAResponseChangeIsRefused()
    {
        QList<proxy::OverrideRule> rules;
        QString error;
        cors::Fix client;
        client.client = cors::ClientChange{};
        client.client->required = true;
        client.client->summary = QStringLiteral("drop credentials");
        QVERIFY(!proxy::overrideRulesForFix(client, kUrl, "GET", {}, &rules, &error));
        QVERIFY2(error.contains(QStringLiteral("page's side")), qPrintable(error));
        QVERIFY(!proxy::overrideRulesForFix(cors::Fix{}, kUrl, "GET", {}, &rules, &error));
        cors::Fix redirect;
        redirect.redirects.insert(0, cors::HeaderPatch{});
        QVERIFY(!proxy::overrideRulesForFix(redirect, kUrl, "GET", {}, &rules, &error));
        QVERIFY2(error.contains(QStringLiteral("redirect")), qPrintable(error));
        QVERIFY(rules.isEmpty());
    }
};

QTEST_MAIN(TestOverrideFromFix)
#include "tst_override_from_fix.moc"
