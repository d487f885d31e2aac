// The playground's CORS policy as a value: what each field and each preset puts on the wire, its
// JSON form, and the dangers it reports.
#include "policy/cors_policy.h"

#include <QJsonDocument>
#include <QtTest>

using namespace corslab::policy;

namespace {
const DemoOrigins kOrigins{"http://localhost:8080", "http://localhost:3000",
                           "http://127.0.0.1:6666"};
const QByteArray kApp = "http://localhost:3000";
const QByteArray kEvil = "http://127.0.0.1:6666";

QString render(const PolicyAnswer &a)
{
    QStringList lines;
    if (a.isPreflight)
        lines << QString::number(a.status);
    for (const auto &h : a.headers)
        lines << QString::fromLatin1(h.first + ": " + h.second);
    return lines.join(QStringLiteral(" | "));
}

QString actual(const CorsPolicy &p, const std::optional<QByteArray> &origin,
               const QByteArray &method = "GET")
{
    return render(answerFor(p, kOrigins, origin, method, std::nullopt, std::nullopt));
}

QString preflight(const CorsPolicy &p, const QByteArray &origin, const QByteArray &method,
                  const std::optional<QByteArray> &headers = std::nullopt)
{
    return render(answerFor(p, kOrigins, origin, "OPTIONS", method, headers));
}
} // namespace

class TestCorsPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fields_data()
    {
        QTest::addColumn<QString>("got");
        QTest::addColumn<QString>("expected");
        CorsPolicy base; // allowlist {app}, no credentials, GET/POST/PUT/DELETE, Content-Type, Vary
        QTest::newRow("allowlist: listed origin is allowed")
            << actual(base, kApp)
            << "Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin";
        QTest::newRow("allowlist: other origin gets no ACAO")
            << actual(base, kEvil) << "Vary: Origin";
        QTest::newRow("allowlist: no Origin header")
            << actual(base, std::nullopt) << "Vary: Origin";
        CorsPolicy p = base;
        p.allowOrigin = CorsPolicy::OriginMode::None;
        QTest::newRow("allow-origin none") << actual(p, kApp) << "Vary: Origin";
        p.allowOrigin = CorsPolicy::OriginMode::Wildcard;
        QTest::newRow("allow-origin wildcard")
            << actual(p, kEvil) << "Access-Control-Allow-Origin: * | Vary: Origin";
        p.allowOrigin = CorsPolicy::OriginMode::Echo;
        QTest::newRow("allow-origin echo")
            << actual(p, kEvil)
            << "Access-Control-Allow-Origin: http://127.0.0.1:6666 | Vary: Origin";
        QTest::newRow("allow-origin echo null")
            << actual(p, QByteArray("null")) << "Access-Control-Allow-Origin: null | Vary: Origin";
        p.allowOrigin = CorsPolicy::OriginMode::Pattern;
        p.originPattern = QStringLiteral("^http://localhost:\\d+$");
        QTest::newRow("allow-origin pattern match")
            << actual(p, kApp)
            << "Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin";
        QTest::newRow("allow-origin pattern no match") << actual(p, kEvil) << "Vary: Origin";
        p = base;
        p.varyOrigin = false;
        QTest::newRow("vary origin off")
            << actual(p, kApp) << "Access-Control-Allow-Origin: http://localhost:3000";
        p = base;
        p.allowCredentials = true;
        QTest::newRow("allow-credentials")
            << actual(p, kApp)
            << "Access-Control-Allow-Origin: http://localhost:3000 | "
               "Access-Control-Allow-Credentials: true | Vary: Origin";
        p = base;
        p.exposeHeaders = {QStringLiteral("X-Total-Count"), QStringLiteral("X-Page")};
        QTest::newRow("expose-headers on actual responses")
            << actual(p, kApp)
            << "Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin | "
               "Access-Control-Expose-Headers: X-Total-Count, X-Page";
        QTest::newRow("expose-headers not on preflights")
            << preflight(p, kApp, "PUT")
            << "204 | Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin | "
               "Access-Control-Allow-Methods: GET, POST, PUT, DELETE | "
               "Access-Control-Allow-Headers: Content-Type";
        p = base;
        p.allowMethods = CorsPolicy::ListMode::None;
        p.allowHeaders = CorsPolicy::ListMode::None;
        QTest::newRow("allow-methods/headers none")
            << preflight(p, kApp, "PUT")
            << "204 | Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin";
        p.allowMethods = CorsPolicy::ListMode::Wildcard;
        p.allowHeaders = CorsPolicy::ListMode::Wildcard;
        QTest::newRow("allow-methods/headers wildcard")
            << preflight(p, kApp, "PUT")
            << "204 | Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin | "
               "Access-Control-Allow-Methods: * | Access-Control-Allow-Headers: *";
        p.allowMethods = CorsPolicy::ListMode::Echo;
        p.allowHeaders = CorsPolicy::ListMode::Echo;
        QTest::newRow("allow-methods/headers echo")
            << preflight(p, kApp, "PATCH", QByteArray("content-type,x-a"))
            << "204 | Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin | "
               "Access-Control-Allow-Methods: PATCH | Access-Control-Allow-Headers: "
               "content-type,x-a";
        QTest::newRow("allow-headers echo without request headers")
            << preflight(p, kApp, "PATCH")
            << "204 | Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin | "
               "Access-Control-Allow-Methods: PATCH";
        p = base;
        p.maxAge = 600;
        p.preflightStatus = 200;
        QTest::newRow("max-age and preflight status")
            << preflight(p, kApp, "PUT")
            << "200 | Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin | "
               "Access-Control-Allow-Methods: GET, POST, PUT, DELETE | "
               "Access-Control-Allow-Headers: Content-Type | Access-Control-Max-Age: 600";
        p = base;
        p.answerPreflight = false;
        QTest::newRow("preflight not answered") << preflight(p, kApp, "PUT") << "404";
        QTest::newRow("plain OPTIONS is not a preflight")
            << render(answerFor(p, kOrigins, kApp, "OPTIONS", std::nullopt, std::nullopt))
            << "Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin";
        p = base;
        p.extraHeaders = {{"Access-Control-Allow-Origin", "null"}};
        QTest::newRow("extra headers are added verbatim (duplicate ACAO)")
            << actual(p, kApp)
            << "Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin | "
               "Access-Control-Allow-Origin: null";
    }
    void fields()
    {
        QFETCH(QString, got);
        QFETCH(QString, expected);
        QCOMPARE(got, expected);
    }

    void presets()
    {
        const QStringList names = CorsPolicy::presetNames();
        QVERIFY(names.size() >= 6);
        QVERIFY(names.contains(QStringLiteral("Open public API")));
        QVERIFY(names.contains(QStringLiteral("Credentialed allowlist")));
        QVERIFY(names.contains(QStringLiteral("No CORS")));
        int misconfigured = 0;
        for (const CorsPolicy &p : CorsPolicy::presets()) {
            const bool bad = p.name.startsWith(QStringLiteral("Misconfigured"));
            misconfigured += bad;
            // Each misconfiguration says what is wrong with it; the good presets say nothing bad.
            const QStringList dangers = p.dangers();
            const bool flagged = std::any_of(dangers.begin(), dangers.end(), [](const QString &d) {
                return d.startsWith(QStringLiteral("Dangerous")) ||
                       d.startsWith(QStringLiteral("Broken"));
            });
            QVERIFY2(flagged == bad || p.name == QStringLiteral("No CORS"), qPrintable(p.name));
            CorsPolicy back;
            QString error;
            QVERIFY2(CorsPolicy::fromJson(p.toJson(), &back, &error), qPrintable(error));
            QCOMPARE(back, p);
        }
        QVERIFY(misconfigured >= 3);
        QVERIFY(CorsPolicy::preset(QStringLiteral("open public api")).has_value());
        QVERIFY(!CorsPolicy::preset(QStringLiteral("nope")).has_value());
    }

    void presetsOnTheWire()
    {
        const CorsPolicy open = *CorsPolicy::preset(QStringLiteral("Open public API"));
        QCOMPARE(
            actual(open, kEvil),
            QStringLiteral(
                "Access-Control-Allow-Origin: * | Access-Control-Expose-Headers: X-Total-Count"));
        const CorsPolicy cred = *CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        QVERIFY(
            actual(cred, kApp).contains(QStringLiteral("Access-Control-Allow-Credentials: true")));
        QVERIFY(!actual(cred, kEvil).contains(QStringLiteral("Allow-Origin")));
        const CorsPolicy none = *CorsPolicy::preset(QStringLiteral("No CORS"));
        QCOMPARE(actual(none, kApp), QString());
        QCOMPARE(preflight(none, kApp, "PUT"), QStringLiteral("404"));
        const CorsPolicy reflect = *CorsPolicy::preset(
            QStringLiteral("Misconfigured: reflect any origin with credentials"));
        QVERIFY(
            actual(reflect, kEvil)
                .contains(QStringLiteral("Access-Control-Allow-Origin: http://127.0.0.1:6666")));
        const CorsPolicy unanchored =
            *CorsPolicy::preset(QStringLiteral("Misconfigured: unanchored origin pattern"));
        QVERIFY(actual(unanchored, QByteArray("http://localhost.evil.test"))
                    .contains(QStringLiteral("Allow-Origin: http://localhost.evil.test")));
        const CorsPolicy nullTrusted =
            *CorsPolicy::preset(QStringLiteral("Misconfigured: null origin trusted"));
        QVERIFY(
            actual(nullTrusted, QByteArray("null")).contains(QStringLiteral("Allow-Origin: null")));
        const CorsPolicy rejected =
            *CorsPolicy::preset(QStringLiteral("Misconfigured: preflight rejected (401)"));
        QVERIFY(preflight(rejected, kApp, "PUT").startsWith(QStringLiteral("401")));
    }

    void dangers_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("finding");
        QTest::newRow("unanchored")
            << QStringLiteral("localhost") << QStringLiteral("not anchored");
        QTest::newRow("unescaped dot")
            << QStringLiteral("^http://api.example.com$") << QStringLiteral("unescaped '.'");
        QTest::newRow("matches null")
            << QStringLiteral("^(null|http://a\\.test)$") << QStringLiteral("matches 'null'");
        QTest::newRow("matches anything")
            << QStringLiteral("^.*$") << QStringLiteral("unrelated origin");
        QTest::newRow("any subdomain") << QStringLiteral("^https://([a-z0-9-]+\\.)?example\\.com$")
                                       << QStringLiteral("accepts any subdomain");
        QTest::newRow("any subdomain, dot-star")
            << QStringLiteral("^https://(.*\\.)?example\\.com$")
            << QStringLiteral("accepts any subdomain");
        QTest::newRow("http too") << QStringLiteral("^https?://app\\.example\\.com$")
                                  << QStringLiteral("http:// version");
        QTest::newRow("shared hosting") << QStringLiteral("^https://[a-z]+\\.netlify\\.app$")
                                        << QStringLiteral("shared hosting (netlify.app)");
        QTest::newRow("special characters")
            << QStringLiteral("^https://app\\.example\\.com([^.][^/]*)?$")
            << QStringLiteral("'https://app.example.com_.corslab-attacker.test'");
        QTest::newRow("invalid") << QStringLiteral("^(http$")
                                 << QStringLiteral("not a valid regular expression");
    }
    void dangers()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, finding);
        CorsPolicy p;
        p.allowOrigin = CorsPolicy::OriginMode::Pattern;
        p.originPattern = pattern;
        const QString all = p.dangers().join(QLatin1Char('\n'));
        QVERIFY2(all.contains(finding), qPrintable(all));
    }

    void safePatternHasNoDanger_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::newRow("two hosts") << QStringLiteral("^https://(www|app)\\.example\\.com$");
        QTest::newRow("a port, dot in a class")
            << QStringLiteral("^https://app\\.example\\.com(:[0-9.]+)?$");
    }
    void safePatternHasNoDanger()
    {
        QFETCH(QString, pattern);
        CorsPolicy p;
        p.allowOrigin = CorsPolicy::OriginMode::Pattern;
        p.originPattern = pattern;
        QCOMPARE(p.dangers(), QStringList{});
    }

    void preflightEchoWithCredentialsIsDangerous()
    {
        CorsPolicy p = *CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        QVERIFY(!p.dangers().join(QLatin1Char(' ')).contains(QStringLiteral("grants whatever")));
        p.allowHeaders = CorsPolicy::ListMode::Echo;
        QVERIFY(p.dangers().join(QLatin1Char(' ')).contains(QStringLiteral("grants whatever")));
        p.allowCredentials = false; // an echo without cookies grants what '*' would
        QVERIFY(!p.dangers().join(QLatin1Char(' ')).contains(QStringLiteral("grants whatever")));
    }

    void badJson_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("origin mode")
            << QByteArray("{\"allow_origin\": {\"mode\": \"some\"}}")
            << QStringLiteral("allow_origin.mode: expected one of \"none\", \"wildcard\", "
                              "\"echo\", \"allowlist\", \"pattern\", got \"some\"");
        QTest::newRow("origins not strings")
            << QByteArray("{\"allow_origin\": {\"mode\": \"allowlist\", \"origins\": [1]}}")
            << QStringLiteral("allow_origin.origins: expected an array of strings, got 1");
        QTest::newRow("pattern missing")
            << QByteArray("{\"allow_origin\": {\"mode\": \"pattern\"}}")
            << QStringLiteral("allow_origin.pattern: expected a regular expression");
        QTest::newRow("pattern invalid")
            << QByteArray("{\"allow_origin\": {\"mode\": \"pattern\", \"pattern\": \"((\"}}")
            << QStringLiteral("allow_origin.pattern: expected a valid regular expression");
        QTest::newRow("credentials")
            << QByteArray("{\"allow_credentials\": \"yes\"}")
            << QStringLiteral("allow_credentials: expected true or false, got \"yes\"");
        QTest::newRow("methods mode") << QByteArray("{\"allow_methods\": {\"mode\": \"all\"}}")
                                      << QStringLiteral("allow_methods.mode: expected one of");
        QTest::newRow("headers values")
            << QByteArray("{\"allow_headers\": {\"mode\": \"list\", \"values\": \"a\"}}")
            << QStringLiteral("allow_headers.values: expected an array of strings");
        QTest::newRow("max age")
            << QByteArray("{\"max_age\": 1.5}")
            << QStringLiteral("max_age: expected a whole number of seconds or null, got 1.5");
        QTest::newRow("max age far out of range")
            << QByteArray("{\"max_age\": 1e300}")
            << QStringLiteral("max_age: expected a whole number of seconds or null");
        QTest::newRow("preflight status")
            << QByteArray("{\"preflight\": {\"status\": 1000}}")
            << QStringLiteral(
                   "preflight.status: expected an HTTP status code from 100 to 599, got 1000");
        QTest::newRow("extra header name")
            << QByteArray("{\"extra_headers\": [[\"a b\", \"c\"]]}")
            << QStringLiteral("extra_headers[0][0]: expected a header name");
        QTest::newRow("extra header value")
            << QByteArray("{\"extra_headers\": [[\"a\", \"b\\r\\nc\"]]}")
            << QStringLiteral("extra_headers[0][1]: expected a header value (Latin-1 text without "
                              "NUL, CR or LF)");
    }
    void badJson()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        CorsPolicy p;
        QString error;
        QVERIFY(!CorsPolicy::fromJson(QJsonDocument::fromJson(json).object(), &p, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestCorsPolicy)
#include "tst_cors_policy.moc"
