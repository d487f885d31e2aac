// The audit's plan (docs/audit.md § How it probes): which origins are derived from a trusted
// one, the registrable domains and shared-hosting suffixes from the Public Suffix List, which
// broader class predicts which probe, and the requests the plan sends.
#include "audit/audit_plan.h"
#include "audit/probe_origins.h"
#include "audit/registrable_domain.h"

#include <QTest>

using namespace corslab;
using namespace corslab::audit;

namespace {

cors::Origin origin(const char *text)
{
    cors::Origin o;
    QString error;
    if (!cors::Origin::parse(QString::fromLatin1(text), &o, &error))
        qFatal("bad origin %s: %s", text, qPrintable(error));
    return o;
}

// The probe of \a c derived from the trusted origin (special characters: the one for \a special).
QByteArray probeOf(const QList<ProbeOrigin> &probes, AuditClass c, char special = 0)
{
    for (const ProbeOrigin &p : probes)
        if (p.auditClass == c && p.specialCharacter == special)
            return p.origin;
    return {};
}

} // namespace

class TestAuditProbes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registrableDomains_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<QByteArray>("registrable");
        QTest::addColumn<QByteArray>("shared");
        QTest::newRow("subdomain")
            << QByteArray("app.example.com") << QByteArray("example.com") << QByteArray();
        QTest::newRow("two-label suffix")
            << QByteArray("api.shop.co.uk") << QByteArray("shop.co.uk") << QByteArray();
        QTest::newRow("shared hosting") << QByteArray("a.me.github.io")
                                        << QByteArray("me.github.io") << QByteArray("github.io");
        QTest::newRow("single label")
            << QByteArray("localhost") << QByteArray("localhost") << QByteArray();
        QTest::newRow("ipv4") << QByteArray("127.0.0.1") << QByteArray("127.0.0.1") << QByteArray();
        QTest::newRow("ipv6") << QByteArray("::1") << QByteArray("::1") << QByteArray();
    }
    void registrableDomains()
    {
        QFETCH(QByteArray, host);
        QFETCH(QByteArray, registrable);
        QFETCH(QByteArray, shared);
        QCOMPARE(registrableDomain(host), registrable);
        QCOMPARE(sharedHostingSuffix(host), shared);
    }

    void probesForAnHttpsOrigin()
    {
        const QList<ProbeOrigin> probes = probeOrigins({origin("https://app.example.com")});
        QCOMPARE(probeOf(probes, AuditClass::ReflectAnyOrigin),
                 QByteArray("https://corslab-attacker.test"));
        QCOMPARE(probeOf(probes, AuditClass::NullOrigin), QByteArray("null"));
        QCOMPARE(probeOf(probes, AuditClass::PrefixMatch),
                 QByteArray("https://app.example.com.corslab-attacker.test"));
        QCOMPARE(probeOf(probes, AuditClass::SuffixMatch),
                 QByteArray("https://corslab-attackerexample.com"));
        QCOMPARE(probeOf(probes, AuditClass::UnescapedDot), QByteArray("https://appxexample.com"));
        QCOMPARE(probeOf(probes, AuditClass::SubstringMatch),
                 QByteArray("https://corslab-attacker-app.example.com.corslab-attacker.test"));
        QCOMPARE(probeOf(probes, AuditClass::AnySubdomain),
                 QByteArray("https://corslab-audit.example.com"));
        QCOMPARE(probeOf(probes, AuditClass::HttpOriginTrusted),
                 QByteArray("http://app.example.com"));
        QCOMPARE(probeOf(probes, AuditClass::SpecialCharacters, '`'),
                 QByteArray("https://app.example.com`.corslab-attacker.test"));
        QCOMPARE(probeOf(probes, AuditClass::ThirdPartyOrigin),
                 QByteArray("https://corslab-attacker.github.io"));
        const qsizetype special = std::count_if(probes.begin(), probes.end(), [](const auto &p) {
            return p.auditClass == AuditClass::SpecialCharacters;
        });
        QCOMPARE(special, qsizetype(qstrlen(kSpecialProbeCharacters)));
    }

    // A port stays; an http origin has no http variant; a single label has no dot to replace;
    // an IP address has no subdomains or suffixes.
    void probesForLocalOrigins()
    {
        const QList<ProbeOrigin> local = probeOrigins({origin("http://localhost:3000")});
        QCOMPARE(probeOf(local, AuditClass::PrefixMatch),
                 QByteArray("http://localhost.corslab-attacker.test:3000"));
        QCOMPARE(probeOf(local, AuditClass::AnySubdomain),
                 QByteArray("http://corslab-audit.localhost:3000"));
        QVERIFY(probeOf(local, AuditClass::UnescapedDot).isEmpty());
        QVERIFY(probeOf(local, AuditClass::HttpOriginTrusted).isEmpty());
        const QList<ProbeOrigin> ip = probeOrigins({origin("http://127.0.0.1:8080")});
        QVERIFY(probeOf(ip, AuditClass::SuffixMatch).isEmpty());
        QVERIFY(probeOf(ip, AuditClass::AnySubdomain).isEmpty());
        QVERIFY(probeOf(ip, AuditClass::UnescapedDot).isEmpty());
        QVERIFY(!probeOf(ip, AuditClass::PrefixMatch).isEmpty());
    }

    // No probe twice, none equal to a trusted origin, and a trusted origin on shared hosting
    // adds its own suffix to the third-party probes.
    void probesAreUniqueAndNeverTrusted()
    {
        const QList<cors::Origin> trusted = {
            origin("https://app.example.com"), origin("https://www.example.com"),
            origin("https://me.gitlab.io"), origin("http://app.example.com")};
        const QList<ProbeOrigin> probes = probeOrigins(trusted);
        QSet<QByteArray> seen;
        for (const ProbeOrigin &p : probes) {
            QVERIFY2(!seen.contains(p.origin), p.origin.constData());
            seen.insert(p.origin);
            for (const cors::Origin &t : trusted)
                QVERIFY(p.origin != t.serialize());
        }
        QVERIFY(seen.contains("https://corslab-attacker.gitlab.io"));
    }

    void predictions_data()
    {
        QTest::addColumn<int>("broader");
        QTest::addColumn<QByteArray>("trusted");
        QTest::addColumn<QByteArray>("probe");
        QTest::addColumn<bool>("predicted");
        const auto row = [](const char *name, AuditClass c, const char *trusted, const char *probe,
                            bool predicted) {
            QTest::newRow(name) << int(c) << QByteArray(trusted) << QByteArray(probe) << predicted;
        };
        const char *app = "https://app.example.com";
        row("reflect predicts null", AuditClass::ReflectAnyOrigin, app, "null", true);
        row("substring predicts prefix", AuditClass::SubstringMatch, app,
            "https://app.example.com.corslab-attacker.test", true);
        row("prefix does not predict substring", AuditClass::PrefixMatch, app,
            "https://corslab-attacker-app.example.com.corslab-attacker.test", false);
        row("prefix predicts special", AuditClass::PrefixMatch, app,
            "https://app.example.com_.corslab-attacker.test", true);
        row("prefix ignores the port", AuditClass::PrefixMatch, "http://localhost:3000",
            "http://localhost_.corslab-attacker.test:3000", true);
        row("suffix predicts any subdomain", AuditClass::SuffixMatch, app,
            "https://corslab-audit.example.com", true);
        row("suffix predicts the dotless host", AuditClass::SuffixMatch, app,
            "https://appxexample.com", true);
        row("suffix does not predict http", AuditClass::SuffixMatch, app, "http://app.example.com",
            false);
        row("any subdomain does not predict suffix", AuditClass::AnySubdomain, app,
            "https://corslab-attackerexample.com", false);
        row("unescaped dot predicts its own shape", AuditClass::UnescapedDot, app,
            "https://appxexamplexcom", true);
        row("unescaped dot does not predict a longer host", AuditClass::UnescapedDot, app,
            "https://app.example.com.corslab-attacker.test", false);
        row("null predicts nothing", AuditClass::NullOrigin, app, "https://app.example.com", false);
    }
    void predictions()
    {
        QFETCH(int, broader);
        QFETCH(QByteArray, trusted);
        QFETCH(QByteArray, probe);
        QFETCH(bool, predicted);
        QCOMPARE(predicts(AuditClass(broader), origin(trusted.constData()), probe), predicted);
    }

    // The plan: the baseline first, then the two preflight probes, then two requests a probe
    // origin; the preflighted one is GET with a JSON Content-Type unless told otherwise.
    void plan()
    {
        AuditOptions o;
        o.target = QUrl(QStringLiteral("https://api.example.com/v1/me"));
        o.trustedOrigins = {"https://app.example.com"};
        QString error;
        QVERIFY2(validateAuditOptions(&o, &error), qPrintable(error));
        const QList<AuditProbe> plan = planAudit(o);
        QCOMPARE(plan.at(0).kind, ProbeKind::Baseline);
        QCOMPARE(plan.at(0).request.method, QByteArray("GET"));
        QCOMPARE(plan.at(1).kind, ProbeKind::BaselinePreflighted);
        QCOMPARE(plan.at(1).request.headers,
                 base::HeaderList({{"Content-Type", "application/json"}}));
        QCOMPARE(plan.at(2).kind, ProbeKind::AnyHeader);
        QCOMPARE(plan.at(3).kind, ProbeKind::AnyMethod);
        QCOMPARE(plan.at(3).request.method, QByteArray(kProbeMethod));
        const qsizetype origins = probeOrigins({origin("https://app.example.com")}).size();
        QCOMPARE(plan.size(), 4 + 2 * origins);
        for (qsizetype i = 4; i < plan.size(); i += 2) {
            QCOMPARE(plan.at(i).kind, ProbeKind::Simple);
            QCOMPARE(plan.at(i + 1).kind, ProbeKind::Preflighted);
            QCOMPARE(plan.at(i).request.origin, plan.at(i + 1).request.origin);
            // Both modes are judged from one send: the bytes are the same without cookies.
            QCOMPARE(plan.at(i).request.credentials, cors::CredentialsMode::Omit);
        }
        QVERIFY(plan.size() <= kDefaultMaxRequests);
    }

    void theTargetIsTrustedWhenNoOriginIsGiven()
    {
        AuditOptions o;
        o.target = QUrl(QStringLiteral("https://api.example.com:8443/x"));
        QString error;
        QVERIFY(validateAuditOptions(&o, &error));
        QCOMPARE(o.trustedOrigins, QList<QByteArray>{"https://api.example.com:8443"});
    }
};

QTEST_GUILESS_MAIN(TestAuditProbes)
#include "tst_audit_probes.moc"
