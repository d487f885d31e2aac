// "Apply this fix to the playground server": for each blocked request, the fix the engine finds,
// applied to the policy, makes the playground's own answer pass the engine's checks.
#include "cors/cors_engine.h"
#include "cors/fix_finder.h"
#include "policy/policy_fix.h"

#include <QtTest>

using namespace corslab;
using policy::CorsPolicy;

namespace {

const policy::DemoOrigins kOrigins{"http://localhost:8080", "http://localhost:3000",
                                   "http://127.0.0.1:6666"};

/// The scenario as the playground with \a policy answers it: the engine's input.
cors::Scenario answered(const CorsPolicy &policy, const QByteArray &origin,
                        const QByteArray &method, const base::HeaderList &headers,
                        cors::CredentialsMode credentials)
{
    cors::Scenario s;
    QString error;
    cors::Origin::parse(QString::fromLatin1(origin), &s.origin, &error);
    s.setUrl(QUrl(QString::fromLatin1(kOrigins.api + "/items")));
    s.method = method;
    s.headers = headers;
    s.credentials = credentials;
    QList<QByteArray> names;
    for (const auto &h : headers)
        names.append(h.first.toLower());
    std::sort(names.begin(), names.end());
    const policy::PolicyAnswer preflight =
        policy::answerFor(policy, kOrigins, origin, "OPTIONS", method,
                          names.isEmpty() ? std::nullopt : std::optional(names.join(',')));
    s.preflight = cors::ResponseSpec{preflight.status, preflight.headers};
    const policy::PolicyAnswer actual =
        policy::answerFor(policy, kOrigins, origin, method, std::nullopt, std::nullopt);
    s.response = cors::ResponseSpec{200, actual.headers};
    return s;
}

} // namespace

class TestPolicyFix : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixAppliedToThePolicyPasses_data()
    {
        QTest::addColumn<CorsPolicy>("policy");
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<base::HeaderList>("headers");
        QTest::addColumn<int>("credentials");

        CorsPolicy allowlist; // allowlist {app}, methods GET POST PUT DELETE, Content-Type
        const int include = int(cors::CredentialsMode::Include);
        const int omit = int(cors::CredentialsMode::Omit);
        QTest::newRow("unknown origin")
            << allowlist << kOrigins.evil << QByteArray("GET") << base::HeaderList{} << omit;
        CorsPolicy none = allowlist;
        none.allowOrigin = CorsPolicy::OriginMode::None;
        QTest::newRow("no Allow-Origin")
            << none << kOrigins.app << QByteArray("GET") << base::HeaderList{} << omit;
        CorsPolicy wildcard = allowlist;
        wildcard.allowOrigin = CorsPolicy::OriginMode::Wildcard;
        QTest::newRow("wildcard with credentials")
            << wildcard << kOrigins.app << QByteArray("GET") << base::HeaderList{} << include;
        QTest::newRow("credentials not allowed")
            << allowlist << kOrigins.app << QByteArray("GET") << base::HeaderList{} << include;
        QTest::newRow("method not allowed")
            << allowlist << kOrigins.app << QByteArray("PATCH") << base::HeaderList{} << omit;
        QTest::newRow("header not allowed")
            << allowlist << kOrigins.app << QByteArray("GET")
            << base::HeaderList{{"X-Requested-With", "XMLHttpRequest"}} << omit;
        CorsPolicy badStatus = allowlist;
        badStatus.preflightStatus = 500;
        QTest::newRow("preflight status")
            << badStatus << kOrigins.app << QByteArray("PUT") << base::HeaderList{} << omit;
        CorsPolicy broken = allowlist;
        broken.extraHeaders = {{"Access-Control-Allow-Origin", "http://other.example"}};
        QTest::newRow("duplicate Allow-Origin from an extra header")
            << broken << kOrigins.app << QByteArray("GET") << base::HeaderList{} << omit;
    }

    void fixAppliedToThePolicyPasses()
    {
        QFETCH(CorsPolicy, policy);
        QFETCH(QByteArray, origin);
        QFETCH(QByteArray, method);
        QFETCH(base::HeaderList, headers);
        QFETCH(int, credentials);
        const auto &profile = cors::BrowserProfile::get(cors::Browser::Chromium);
        const auto mode = cors::CredentialsMode(credentials);

        const cors::Scenario before = answered(policy, origin, method, headers, mode);
        const cors::Verdict blocked = cors::evaluate(before, profile);
        QVERIFY(!blocked.exposed);
        const std::optional<cors::Fix> fix = cors::findFix(before, blocked, profile);
        QVERIFY(fix.has_value());

        CorsPolicy fixed = policy;
        QStringList changes;
        QString error;
        QVERIFY2(policy::applyFixToPolicy(*fix, kOrigins, &fixed, &changes, &error),
                 qPrintable(error));
        QVERIFY(!changes.isEmpty());
        QCOMPARE(fixed.name, QStringLiteral("custom"));
        const cors::Verdict after =
            cors::evaluate(answered(fixed, origin, method, headers, mode), profile);
        QVERIFY2(after.exposed, qPrintable(cors::corsErrorName(after.error)));
    }

    void originsBecomePlaceholders()
    {
        cors::Fix fix;
        fix.response = cors::HeaderPatch{};
        fix.response->setHeader("Access-Control-Allow-Origin", kOrigins.evil);
        CorsPolicy p;
        p.allowOrigin = CorsPolicy::OriginMode::Wildcard;
        QString error;
        QVERIFY(policy::applyFixToPolicy(fix, kOrigins, &p, nullptr, &error));
        QCOMPARE(p.allowOrigin, CorsPolicy::OriginMode::Allowlist);
        QCOMPARE(p.allowedOrigins, QStringList{QStringLiteral("{evil}")});
    }

    void whatAPolicyCannotDoIsRefused()
    {
        CorsPolicy p;
        const CorsPolicy before = p;
        QString error;

        cors::Fix client;
        client.client = cors::ClientChange{};
        client.client->required = true;
        client.client->summary = QStringLiteral("use mode 'cors'");
        QVERIFY(!policy::applyFixToPolicy(client, kOrigins, &p, nullptr, &error));
        QVERIFY2(error.contains(QStringLiteral("page's side")), qPrintable(error));

        cors::Fix status;
        status.response = cors::HeaderPatch{};
        status.response->status = 200;
        QVERIFY(!policy::applyFixToPolicy(status, kOrigins, &p, nullptr, &error));
        QVERIFY2(error.contains(QStringLiteral("status")), qPrintable(error));

        cors::Fix other;
        other.response = cors::HeaderPatch{};
        other.response->setHeader("Timing-Allow-Origin", "*");
        QVERIFY(!policy::applyFixToPolicy(other, kOrigins, &p, nullptr, &error));
        QVERIFY2(error.contains(QStringLiteral("Timing-Allow-Origin")), qPrintable(error));
        QCOMPARE(p, before); // untouched on every refusal
    }
};

QTEST_MAIN(TestPolicyFix)
#include "tst_policy_fix.moc"
