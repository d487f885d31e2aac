#pragma once

// Rules and a URL each of them matches, for the tests that check that a browser's interception
// (tst_fetch_overrides: Fetch patterns; tst_bidi_overrides: BiDi intercepts) pauses what the
// rules decide. Columns: rule (one rule's JSON, single-quoted), url, answersPreflights.

#include <QtTest>

inline void addRuleCoverageRows()
{
    using namespace Qt::StringLiterals;
    QTest::addColumn<QByteArray>("rule");
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("answersPreflights");
    const QByteArray any = "{'host': 'api.example.com', 'path': '/v1/*'}";
    QTest::newRow("any port, default")
        << any << u"https://api.example.com/v1/items?page=2"_s << false;
    QTest::newRow("any port, explicit") << any << u"http://api.example.com:8080/v1/"_s << false;
    const QByteArray port = "{'host': 'LocalHost:8080', 'path': '/api/*', "
                            "'answer_preflights': true}";
    QTest::newRow("port") << port << u"http://localhost:8080/api/items"_s << true;
    const QByteArray https = "{'host': 'api.example.com:443', 'path': '/x'}";
    QTest::newRow("default port in the rule")
        << https << u"https://api.example.com/x?y=1"_s << false;
    const QByteArray sub = "{'host': '*.example.com', 'path': '*.json'}";
    QTest::newRow("host and path globs")
        << sub << u"https://a.b.example.com/data/x.json"_s << false;
    const QByteArray v6 = "{'host': '[::1]:8080'}";
    QTest::newRow("IPv6") << v6 << u"http://[::1]:8080/"_s << false;
    const QByteArray exact = "{'host': 'localhost:*', 'path': '/health'}";
    QTest::newRow("exact path, query") << exact << u"http://localhost/health?full=1"_s << false;
}
