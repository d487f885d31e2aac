// Server configuration, frozen: every target for every preset, for policies made by applying a
// fix, and for policies that reach the corners of each generator (every origin and list mode,
// max-age 0, odd preflight statuses, extra headers, quoting). Each output, snippet and notes, is
// compared byte for byte with tests/config/golden/<target>/<case>.txt, so a change to a generator
// shows up as a diff to review. CORSLAB_UPDATE_GOLDEN=1 rewrites the files from the current code.
#include "config/server_config.h"
#include "cors/fix_finder.h"
#include "policy/policy_fix.h"

#include <QDir>
#include <QFile>
#include <QtTest>

using namespace corslab;
using config::ServerKind;
using policy::CorsPolicy;
using OriginMode = CorsPolicy::OriginMode;
using ListMode = CorsPolicy::ListMode;

namespace {

const policy::DemoOrigins kOrigins{"http://localhost:8080", "http://localhost:3000",
                                   "http://127.0.0.1:6666"};

struct GoldenCase
{
    QString name; ///< the file name, without ".txt"
    CorsPolicy policy;
};

/// "Misconfigured: null origin trusted" -> "misconfigured-null-origin-trusted".
QString slug(const QString &text)
{
    QString out;
    for (const QChar c : text.toLower()) {
        if (c.isLetterOrNumber())
            out += c;
        else if (!out.isEmpty() && !out.endsWith(QLatin1Char('-')))
            out += QLatin1Char('-');
    }
    while (out.endsWith(QLatin1Char('-')))
        out.chop(1);
    return out;
}

/// \a base with \a fix applied, as the "server configuration for this fix" action does.
CorsPolicy withFix(CorsPolicy base, const cors::Fix &fix)
{
    QString error;
    if (!policy::applyFixToPolicy(fix, kOrigins, &base, nullptr, &error))
        qFatal("golden case: the fix does not apply: %s", qPrintable(error));
    return base;
}

cors::HeaderPatch patch(const base::HeaderList &headers, std::optional<int> status = {})
{
    cors::HeaderPatch p;
    for (const auto &[name, value] : headers)
        p.setHeader(name, value);
    p.status = status;
    return p;
}

QList<GoldenCase> fixCases()
{
    const CorsPolicy defaults; // allowlist {app}, GET POST PUT DELETE, Content-Type
    QList<GoldenCase> out;
    cors::Fix origin; // an unknown origin: it joins the allowlist
    origin.response = patch({{"Access-Control-Allow-Origin", kOrigins.evil}});
    out.append({QStringLiteral("fix-unknown-origin"), withFix(defaults, origin)});

    cors::Fix credentials; // a credentialed request to a policy without credentials
    credentials.preflight = patch({{"Access-Control-Allow-Credentials", "true"}});
    credentials.response = patch({{"Access-Control-Allow-Credentials", "true"}});
    out.append({QStringLiteral("fix-credentials"), withFix(defaults, credentials)});

    cors::Fix lists; // a method and a header the preflight did not allow
    lists.preflight = patch({{"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, PATCH"},
                             {"Access-Control-Allow-Headers", "Content-Type, X-Requested-With"}});
    out.append({QStringLiteral("fix-method-and-header"), withFix(defaults, lists)});

    cors::Fix status; // the preflight rejected with 401 by an authentication layer
    status.preflight = patch({}, 204);
    out.append({QStringLiteral("fix-preflight-status"),
                withFix(*CorsPolicy::preset(QStringLiteral("Misconfigured: preflight rejected "
                                                           "(401)")),
                        status)});

    cors::Fix wildcard; // "*" with credentials: the origin is named instead
    wildcard.response = patch({{"Access-Control-Allow-Origin", kOrigins.app}});
    out.append({QStringLiteral("fix-wildcard-with-credentials"),
                withFix(*CorsPolicy::preset(QStringLiteral("Misconfigured: wildcard with "
                                                           "credentials")),
                        wildcard)});
    return out;
}

/// Policies that reach what no preset does: each field in each mode at least once, with and
/// without credentials, and values that need quoting.
QList<GoldenCase> cornerCases()
{
    QList<GoldenCase> out;
    {
        CorsPolicy p;
        p.name = QStringLiteral("two origins, lists as wildcard, max-age 0, no vary");
        p.allowedOrigins = {QStringLiteral("{app}"), QStringLiteral("{evil}")};
        p.allowMethods = ListMode::Wildcard;
        p.allowHeaders = ListMode::Wildcard;
        p.maxAge = 0;
        p.varyOrigin = false;
        out.append({QStringLiteral("allowlist-wildcard-lists"), p});
    }
    {
        CorsPolicy p;
        p.name = QStringLiteral("credentials, lists as wildcard, preflight 500, extra headers");
        p.allowCredentials = true;
        p.allowMethods = ListMode::Wildcard;
        p.allowHeaders = ListMode::Wildcard;
        p.preflightStatus = 500;
        p.extraHeaders = {{"X-Extra", "one"}, {"Cache-Control", "no-store"}};
        out.append({QStringLiteral("credentials-wildcard-lists"), p});
    }
    {
        CorsPolicy p;
        p.name = QStringLiteral("echo without credentials");
        p.allowOrigin = OriginMode::Echo;
        p.allowedOrigins.clear();
        p.allowMethods = ListMode::Echo;
        p.allowHeaders = ListMode::Echo;
        p.exposeHeaders = {QStringLiteral("X-Total-Count"), QStringLiteral("ETag")};
        p.maxAge = 0;
        p.varyOrigin = false;
        p.preflightStatus = 200;
        out.append({QStringLiteral("echo-without-credentials"), p});
    }
    {
        CorsPolicy p;
        p.name = QStringLiteral("wildcard origin, no lists, vary, 200");
        p.allowOrigin = OriginMode::Wildcard;
        p.allowedOrigins.clear();
        p.allowMethods = ListMode::None;
        p.allowHeaders = ListMode::None;
        p.preflightStatus = 200;
        p.maxAge = 86400;
        out.append({QStringLiteral("wildcard-no-lists"), p});
    }
    {
        CorsPolicy p;
        p.name = QStringLiteral("pattern \"quoted\"");
        p.allowOrigin = OriginMode::Pattern;
        p.allowedOrigins.clear();
        p.originPattern = QStringLiteral("^https://[a-z]+\\.example\\.com\"$");
        p.allowMethods = ListMode::Echo;
        p.allowHeaders = ListMode::None;
        p.varyOrigin = false;
        p.preflightStatus = 206;
        p.extraHeaders = {{"X-Quote", "say \"hi\" \\ back"}};
        out.append({QStringLiteral("pattern-quoted"), p});
    }
    {
        CorsPolicy p;
        p.name = QStringLiteral("no origin, lists, credentials, unanswered");
        p.allowOrigin = OriginMode::None;
        p.allowedOrigins.clear();
        p.allowCredentials = true;
        p.answerPreflight = false;
        p.maxAge = 30;
        out.append({QStringLiteral("none-unanswered"), p});
    }
    return out;
}

QList<GoldenCase> goldenCases()
{
    QList<GoldenCase> out;
    for (const CorsPolicy &p : CorsPolicy::presets())
        out.append({QStringLiteral("preset-") + slug(p.name), p});
    out << fixCases() << cornerCases();
    return out;
}

/// What a golden file holds: the snippet and the notes, in a shape that reads well in a diff.
QString goldenText(const config::GeneratedConfig &c)
{
    QString out = QStringLiteral("=== language: %1\n=== text\n").arg(c.language) + c.text;
    if (!c.text.endsWith(QLatin1Char('\n')))
        out += QStringLiteral("\n=== (no newline at the end of the text)\n");
    out += QStringLiteral("=== notes (%1)\n").arg(c.notes.size());
    for (const QString &note : c.notes)
        out += QStringLiteral("- ") + note + QLatin1Char('\n');
    return out;
}

/// The 1-based line where \a expected and \a actual first differ.
qsizetype firstDifferingLine(const QStringList &expected, const QStringList &actual)
{
    qsizetype line = 0;
    while (line < expected.size() && line < actual.size() && expected.at(line) == actual.at(line))
        ++line;
    return line + 1;
}

/// The lines around \a line (1-based): a few the same, then the golden ones (-) and the
/// generator's (+), like a unified diff.
QString differenceContext(const QStringList &expected, const QStringList &actual, qsizetype line)
{
    const qsizetype at = line - 1;
    QString out = QStringLiteral("golden file (-) and generator (+) from line %1:\n").arg(line);
    for (qsizetype i = std::max<qsizetype>(0, at - 2); i < at; ++i)
        out += QStringLiteral("    ") + expected.at(i) + QLatin1Char('\n');
    for (qsizetype i = at; i < std::min(expected.size(), at + 3); ++i)
        out += QStringLiteral("  - ") + expected.at(i) + QLatin1Char('\n');
    for (qsizetype i = at; i < std::min(actual.size(), at + 3); ++i)
        out += QStringLiteral("  + ") + actual.at(i) + QLatin1Char('\n');
    return out;
}

bool updating()
{
    return qEnvironmentVariableIntValue("CORSLAB_UPDATE_GOLDEN") == 1;
}

QString goldenPath(const QString &target, const QString &caseName)
{
    return QStringLiteral(CORSLAB_GOLDEN_DIR "/%1/%2.txt").arg(target, caseName);
}

} // namespace

Q_DECLARE_METATYPE(ServerKind)

class TestServerConfigGolden : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesGolden_data()
    {
        QTest::addColumn<ServerKind>("kind");
        QTest::addColumn<QString>("target");
        QTest::addColumn<CorsPolicy>("policy");
        QTest::addColumn<QString>("caseName");
        for (const config::ServerTarget &t : config::serverTargets()) {
            for (const GoldenCase &c : goldenCases()) {
                QTest::addRow("%s/%s", qPrintable(t.name), qPrintable(c.name))
                    << t.kind << t.name << c.policy << c.name;
            }
        }
    }

    void matchesGolden()
    {
        QFETCH(ServerKind, kind);
        QFETCH(QString, target);
        QFETCH(CorsPolicy, policy);
        QFETCH(QString, caseName);
        const QString actual = goldenText(config::generateServerConfig(policy, kOrigins, kind));
        const QString path = goldenPath(target, caseName);
        if (updating()) {
            QVERIFY(QDir().mkpath(QFileInfo(path).path()));
            QFile out(path);
            QVERIFY2(out.open(QIODevice::WriteOnly), qPrintable(out.errorString()));
            out.write(actual.toUtf8());
            return;
        }
        QFile in(path);
        QVERIFY2(in.open(QIODevice::ReadOnly),
                 qPrintable(QStringLiteral("%1: %2 (CORSLAB_UPDATE_GOLDEN=1 writes it)")
                                .arg(path, in.errorString())));
        const QString expected = QString::fromUtf8(in.readAll());
        if (actual == expected)
            return;
        const QStringList want = expected.split(QLatin1Char('\n'));
        const QStringList got = actual.split(QLatin1Char('\n'));
        const qsizetype line = firstDifferingLine(want, got);
        // QTest cuts long failure messages: the context goes to the log, the verdict stays short.
        qInfo().noquote() << differenceContext(want, got, line);
        QFAIL(qPrintable(QStringLiteral("%1:%2: the generator's output differs from the golden "
                                        "file (shown above; CORSLAB_UPDATE_GOLDEN=1 rewrites it "
                                        "if the change is meant)")
                             .arg(path)
                             .arg(line)));
    }

    // A golden file no case writes any more would never be checked: it must go.
    void noStaleGoldenFiles()
    {
        QStringList expected;
        for (const config::ServerTarget &t : config::serverTargets()) {
            for (const GoldenCase &c : goldenCases())
                expected << t.name + QLatin1Char('/') + c.name + QStringLiteral(".txt");
        }
        const QDir root(QStringLiteral(CORSLAB_GOLDEN_DIR));
        for (const QString &dir : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            for (const QString &file : QDir(root.filePath(dir)).entryList(QDir::Files)) {
                const QString relative = dir + QLatin1Char('/') + file;
                if (!expected.contains(relative) && updating())
                    QVERIFY(QFile::remove(root.filePath(relative)));
                else
                    QVERIFY2(expected.contains(relative),
                             qPrintable(QStringLiteral("stale golden file %1 (no case writes it; "
                                                       "CORSLAB_UPDATE_GOLDEN=1 removes it)")
                                            .arg(relative)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestServerConfigGolden)
#include "tst_server_config_golden.moc"
