// The audit's judge without a network: every probe of the plan answered by a server written in
// the test, then the findings (class, severity, browsers, evidence) and the reports' shapes.
#include "audit/audit_json.h"
#include "audit/audit_judge.h"
#include "audit/audit_sarif.h"

#include <QJsonArray>
#include <QTest>
#include <functional>

using namespace corslab;
using namespace corslab::audit;

namespace {

/// What a server answers: the request's Origin, whether it is a preflight, and the
/// Access-Control-Request-Method / -Headers it carries.
struct Asked
{
    QByteArray origin;
    bool preflight = false;
    QByteArray requestedMethod;
    QByteArray requestedHeaders;
};
using Server = std::function<base::HeaderList(const Asked &)>;

session::CapturedExchange exchange(const QByteArray &method, const client::ComposedRequest &r,
                                   int status, const base::HeaderList &response)
{
    session::CapturedExchange x;
    x.method = method;
    x.url = r.url.toEncoded();
    x.requestHeaders = {{"Origin", r.origin}};
    x.status = status;
    x.responseHeaders = response;
    x.responseBody.stored = "{\"me\":1}";
    x.responseBody.size = x.responseBody.stored.size();
    return x;
}

bool needsPreflight(ProbeKind kind)
{
    return kind != ProbeKind::Baseline && kind != ProbeKind::Simple;
}

// One probe as the browser would have sent it (credentials "omit"), answered by \a server.
ProbeOutcome answer(const AuditProbe &probe, const Server &server)
{
    const client::ComposedRequest &r = probe.request;
    ProbeOutcome o{probe, {}};
    o.result.browser = QStringLiteral("chromium");
    client::FetchOutcome &f = o.result.outcome;
    f.judged = true;
    cors::Scenario &s = f.scenario;
    QString error;
    cors::Origin::parse(QString::fromLatin1(r.origin), &s.origin, &error);
    s.setUrl(r.url);
    s.method = r.method;
    s.headers = r.headers;
    s.credentials = cors::CredentialsMode::Omit;
    if (needsPreflight(probe.kind)) {
        QByteArray names;
        for (const base::Header &h : r.headers)
            names += (names.isEmpty() ? "" : ",") + h.first.toLower();
        const base::HeaderList preflight = server({r.origin, true, r.method, names});
        s.preflight = cors::ResponseSpec{204, preflight};
        f.exchanges << exchange("OPTIONS", r, 204, preflight);
        f.preflightSent = true;
    }
    const base::HeaderList response = server({r.origin, false, {}, {}});
    s.response = cors::ResponseSpec{200, response};
    f.exchanges << exchange(r.method, r, 200, response);
    return o;
}

AuditOptions options(const char *trusted = "https://app.example.com")
{
    AuditOptions o;
    o.target = QUrl(QStringLiteral("https://api.example.com/v1/me"));
    o.trustedOrigins = {trusted};
    QString error;
    if (!validateAuditOptions(&o, &error))
        qFatal("%s", qPrintable(error));
    return o;
}

AuditReport auditWith(const Server &server, const AuditOptions &o = options())
{
    QList<ProbeOutcome> outcomes;
    for (const AuditProbe &p : planAudit(o))
        outcomes << answer(p, server);
    return judgeAudit(o, outcomes);
}

QStringList classesOf(const AuditReport &r)
{
    QStringList out;
    for (const AuditFinding &f : r.findings)
        out << classInfo(f.auditClass).id + QLatin1Char(':') + severityName(f.severity);
    return out;
}

// A server that trusts origins for which \a trusts says yes, with credentials, a fixed list of
// methods and headers, and Vary: Origin.
Server allowing(std::function<bool(const QByteArray &)> trusts)
{
    return [trusts](const Asked &a) {
        base::HeaderList h;
        if (!trusts(a.origin))
            return base::HeaderList{{"Vary", "Origin"}};
        h << base::Header("Access-Control-Allow-Origin", a.origin)
          << base::Header("Access-Control-Allow-Credentials", "true")
          << base::Header("Vary", "Origin");
        if (a.preflight)
            h << base::Header("Access-Control-Allow-Methods", "GET, POST")
              << base::Header("Access-Control-Allow-Headers", "Content-Type");
        return h;
    };
}

bool isApp(const QByteArray &origin)
{
    return origin == "https://app.example.com";
}

} // namespace

class TestAuditJudge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aCorrectAllowlistHasNoFinding()
    {
        const AuditReport r = auditWith(allowing(isApp));
        QCOMPARE(classesOf(r), QStringList{});
        QVERIFY(!r.worstSeverity());
        QCOMPARE(r.fix.policy.allowedOrigins,
                 QStringList{QStringLiteral("https://app.example.com")});
        QVERIFY(r.fix.policy.allowCredentials); // the trusted origin's answer allows them
        QCOMPARE(r.fix.serverConfigs.size(), 8);
    }

    // Reflecting everything explains every other origin class: one finding, not ten.
    void reflectionSubsumesTheNarrowerClasses()
    {
        const AuditReport r = auditWith(allowing([](const QByteArray &) { return true; }));
        QCOMPARE(classesOf(r), QStringList{QStringLiteral("reflect-any-origin:high")});
        const AuditFinding &f = r.findings.first();
        QVERIFY(f.credentials);
        QVERIFY(!f.preflight);
        QCOMPARE(f.browsers, check::kCheckBrowsers);
        QCOMPARE(f.evidence.size(), 1);
        QCOMPARE(f.exposes.bodyBytes, 8);
        QVERIFY(f.explanation.contains(QStringLiteral("with the user's cookies")));
    }

    // A backtick after the host: Chromium and WebKit keep it in a host name, Firefox does not.
    void anOriginOnlySomeBrowsersSend()
    {
        const AuditReport r = auditWith(allowing([](const QByteArray &o) {
            return isApp(o) || o.startsWith("https://app.example.com`");
        }));
        QCOMPARE(classesOf(r), QStringList{QStringLiteral("special-characters:high")});
        QCOMPARE(r.findings.first().browsers,
                 QStringList({QStringLiteral("chromium"), QStringLiteral("safari")}));
    }

    void severityFollowsCredentialsAndFoothold()
    {
        // Without Access-Control-Allow-Credentials the attacker reads without cookies: low.
        const Server noCredentials = [](const Asked &a) {
            return base::HeaderList{{"Access-Control-Allow-Origin", a.origin},
                                    {"Access-Control-Allow-Headers", "Content-Type"},
                                    {"Vary", "Origin"}};
        };
        const AuditReport low = auditWith(noCredentials);
        QCOMPARE(classesOf(low), QStringList{QStringLiteral("reflect-any-origin:low")});
        QVERIFY(!low.findings.first().credentials);
        // Any subdomain needs a foothold on one of them first: medium.
        const AuditReport medium = auditWith(allowing([](const QByteArray &o) {
            return o.endsWith(".example.com") && o.startsWith("https:");
        }));
        QCOMPARE(classesOf(medium), QStringList{QStringLiteral("any-subdomain:medium")});
    }

    void wildcardWithCredentialsIsInformational()
    {
        const AuditReport r = auditWith([](const Asked &) {
            return base::HeaderList{{"Access-Control-Allow-Origin", "*"},
                                    {"Access-Control-Allow-Credentials", "true"}};
        });
        QCOMPARE(classesOf(r), QStringList{QStringLiteral("wildcard-with-credentials:info")});
        QCOMPARE(r.worstSeverity(), Severity::Info);
    }

    void varyOriginMissing()
    {
        const Server noVary = [](const Asked &a) {
            if (!isApp(a.origin))
                return base::HeaderList{};
            return base::HeaderList{{"Access-Control-Allow-Origin", a.origin},
                                    {"Access-Control-Allow-Headers", "Content-Type"}};
        };
        const AuditReport r = auditWith(noVary);
        QCOMPARE(classesOf(r), QStringList{QStringLiteral("missing-vary-origin:low")});
        QCOMPARE(r.findings.first().evidence.size(), 2);
        QCOMPARE(r.findings.first().origin, QByteArray("https://app.example.com"));
    }

    // Echoing the requested headers and methods to a credentialed request is a finding; '*'
    // (a public API's deliberate choice, ignored with credentials) is not.
    void preflightGrants()
    {
        const auto echoing = [](bool wildcard) {
            return [wildcard](const Asked &a) {
                base::HeaderList h{{"Access-Control-Allow-Origin", a.origin},
                                   {"Access-Control-Allow-Credentials", "true"},
                                   {"Vary", "Origin"}};
                if (!isApp(a.origin))
                    return base::HeaderList{{"Vary", "Origin"}};
                if (a.preflight)
                    h << base::Header("Access-Control-Allow-Methods",
                                      wildcard ? QByteArray("*") : a.requestedMethod)
                      << base::Header("Access-Control-Allow-Headers",
                                      wildcard ? QByteArray("*") : a.requestedHeaders);
                return h;
            };
        };
        QCOMPARE(classesOf(auditWith(echoing(false))),
                 QStringList({QStringLiteral("preflight-reflects-any-header:low"),
                              QStringLiteral("preflight-allows-any-method:low")}));
        QCOMPARE(classesOf(auditWith(echoing(true))), QStringList{});
    }

    void aBaselineThatFailsStopsTheJudgement()
    {
        const AuditOptions o = options();
        ProbeOutcome failed{planAudit(o).first(), {}};
        failed.result.browser = QStringLiteral("chromium");
        failed.result.outcome.networkFailure = client::NetworkFailure::Refused;
        failed.result.outcome.failure = QStringLiteral("connection refused");
        const AuditReport r = judgeAudit(o, {failed});
        QCOMPARE(r.networkFailure, QStringLiteral("connection refused"));
        QVERIFY(r.findings.isEmpty());
        QCOMPARE(r.failedProbes, 1);
    }

    void jsonAndSarifShapes()
    {
        const AuditReport r = auditWith(allowing([](const QByteArray &o) { return o != "null"; }));
        const QJsonObject json = auditReportToJson(r);
        QCOMPARE(json[QStringLiteral("probes")].toInt(), planAudit(options()).size());
        const QJsonObject f = json[QStringLiteral("findings")][0].toObject();
        for (const char *key : {"class", "severity", "origin", "credentials", "preflight",
                                "browsers", "evidence", "explanation", "fix", "exposes"})
            QVERIFY2(f.contains(QLatin1String(key)), key);
        const QJsonObject sarif = auditReportToSarif(r, QStringLiteral("1.2.3"));
        const QJsonObject run = sarif[QStringLiteral("runs")][0].toObject();
        QCOMPARE(run[QStringLiteral("tool")][QStringLiteral("driver")][QStringLiteral("version")]
                     .toString(),
                 QStringLiteral("1.2.3"));
        QCOMPARE(run[QStringLiteral("results")].toArray().size(), r.findings.size());
    }
};

QTEST_GUILESS_MAIN(TestAuditJudge)
#include "tst_audit_judge.moc"
