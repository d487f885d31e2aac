// "Apply as proxy override" decided in core: which method a rule made from a fix covers, and the
// preflight headers it keeps, for either half of a pair and for lone exchanges.
#include "../session/chromium_exchanges.h"
#include "lab/fix_override.h"
#include "session/session.h"

#include <QtTest>

using namespace corslab;
using namespace corslab::session::testing;

namespace {

const QByteArray kItems = "https://api.example.net/items";

X preflightFor(const QByteArray &method, qint64 at)
{
    return X("OPTIONS", kItems, at)
        .request(chromiumPreflight(kApi, kApp, method, "content-type"))
        .response(204, {{"Access-Control-Allow-Origin", kApp},
                        {"Access-Control-Allow-Methods", method},
                        {"Access-Control-Allow-Headers", "Content-Type"}});
}

// The actual request, answered without Access-Control-Allow-Origin (blocked).
X blockedActual(const QByteArray &method, qint64 at)
{
    X x(method, kItems, at);
    x.request(chromiumFetch(kApi, kApp, "cross-site")).add("Content-Type", "application/json");
    return x.response(200, {{"Content-Type", "application/json"}});
}

// What the engine's fix for the blocked actual request says: allow the app's origin.
cors::Fix allowOriginFix()
{
    cors::Fix fix;
    cors::HeaderPatch patch;
    patch.setHeader("Access-Control-Allow-Origin", kApp);
    fix.response = patch;
    return fix;
}

} // namespace

class TestFixOverride : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eitherHalfOfAPairNamesTheActualMethod()
    {
        session::Session s;
        s.append({preflightFor("PUT", kT0), blockedActual("PUT", kT0 + 5)});
        QCOMPARE(s.count(), 2);
        QCOMPARE(lab::requestMethodOfPair(s, 0), QByteArray("PUT")); // the preflight half
        QCOMPARE(lab::requestMethodOfPair(s, 1), QByteArray("PUT"));
    }

    void aLonePreflightNamesTheMethodItAskedFor()
    {
        session::Session s;
        s.append({preflightFor("DELETE", kT0)});
        QCOMPARE(lab::requestMethodOfPair(s, 0), QByteArray("DELETE"));
    }

    void aSimpleRequestNamesItsOwnMethod()
    {
        session::Session s;
        s.append({X("GET", kItems, kT0)
                      .request(chromiumFetch(kApi, kApp, "cross-site"))
                      .response(200, {})});
        QCOMPARE(lab::requestMethodOfPair(s, 0), QByteArray("GET"));
    }

    void rulesCoverTheActualRequestFromThePreflightHalf()
    {
        session::Session s;
        s.append({preflightFor("PUT", kT0), blockedActual("PUT", kT0 + 5)});
        for (qsizetype selected : {0, 1}) {
            QList<proxy::OverrideRule> rules;
            QString error;
            QVERIFY2(
                lab::overrideRulesForExchangeFix(s, selected, allowOriginFix(), &rules, &error),
                qPrintable(error));
            QCOMPARE(rules.size(), 1);
            QCOMPARE(rules.first().host, QStringLiteral("api.example.net:443"));
            QCOMPARE(rules.first().path, QStringLiteral("/items"));
            QCOMPARE(rules.first().methods, QList<QByteArray>{"PUT"});
            QCOMPARE(rules.first().set, (base::HeaderList{{"Access-Control-Allow-Origin", kApp}}));
        }
    }

    void aPageSideFixIsRefusedWithAReason()
    {
        session::Session s;
        s.append({preflightFor("PUT", kT0), blockedActual("PUT", kT0 + 5)});
        cors::Fix pageOnly;
        pageOnly.client = cors::ClientChange{};
        QList<proxy::OverrideRule> rules;
        QString error;
        QVERIFY(!lab::overrideRulesForExchangeFix(s, 1, pageOnly, &rules, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(rules.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFixOverride)
#include "tst_fix_override.moc"
