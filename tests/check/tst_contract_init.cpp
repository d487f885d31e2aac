// Contracts written from a recording: the rules a session and Chromium's own HAR give, a contract
// that passes against the recording it came from, and fails once a response is broken.
#include "../session/chromium_exchanges.h"
#include "check/contract_file.h"
#include "check/contract_init.h"
#include "check/recorded_requests.h"
#include "report/har_import.h"
#include "session/session.h"
#include "session/session_json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab;
using namespace corslab::session::testing;
using check::Contract;
using check::ContractRule;
using check::Expectation;

namespace {

const QByteArray kEvil = "https://evil.example";
const QByteArray kBase = "https://api.example.net";

base::HeaderList allowApp(const base::HeaderList &more = {})
{
    return base::HeaderList{{"Access-Control-Allow-Origin", kApp}, {"Vary", "Origin"}} + more;
}

/// A page at kApp reading items twice (different queries), writing one with a preflight, a
/// DELETE whose preflight fails, a public resource, an evil page refused, and a navigation.
QList<session::CapturedExchange> recording()
{
    qint64 t = kT0;
    const auto at = [&t] { return t += 100; };
    const QByteArray items = kBase + "/items";
    return {
        X("GET", "https://app.example.com/", at()).request(chromiumNavigation("app.example.com")),
        X("GET", items + "?page=1", at())
            .request(chromiumFetch(kApi, kApp, "cross-site"))
            .response(200, allowApp({{"Access-Control-Expose-Headers", "X-Total-Count"},
                                     {"X-Total-Count", "2"}})),
        X("GET", items + "?page=2", at())
            .request(chromiumFetch(kApi, kApp, "cross-site"))
            .response(200, allowApp({{"X-Total-Count", "2"}})),
        X("OPTIONS", items, at())
            .request(chromiumPreflight(kApi, kApp, "PUT", "content-type"))
            .response(204, allowApp({{"Access-Control-Allow-Methods", "GET, PUT"},
                                     {"Access-Control-Allow-Headers", "Content-Type"},
                                     {"Access-Control-Max-Age", "600"}})),
        X("PUT", items, at())
            .request(chromiumFetch(kApi, kApp, "cross-site") +
                     base::HeaderList{{"Content-Type", "application/json"}})
            .response(200, allowApp()),
        X("OPTIONS", items + "/7", at())
            .request(chromiumPreflight(kApi, kApp, "DELETE", {}))
            .response(204, {{"Allow", "GET"}}),
        X("GET", kBase + "/public", at())
            .request(chromiumFetch(kApi, kApp, "cross-site"))
            .response(200, {{"Access-Control-Allow-Origin", "*"}, {"Vary", "Origin"}}),
        X("GET", kBase + "/private", at())
            .request(chromiumFetch(kApi, kEvil, "cross-site"))
            .response(200, {{"Content-Type", "application/json"}}),
    };
}

ContractRule expectedRule(const QString &url, const QByteArray &origin, const QByteArray &method,
                          Expectation expect)
{
    ContractRule r;
    r.url = url;
    r.origins = {origin};
    r.methods = {method};
    r.expect = expect;
    return r;
}

/// \a rule as YAML: a failed comparison shows which field differs.
QString ruleText(const ContractRule &rule)
{
    Contract c;
    c.rules = {rule};
    return QString::fromUtf8(check::writeContract(c, check::ContractFormat::Yaml));
}

QList<check::CaseResult> judged(const session::Session &s, const Contract &contract)
{
    QString error;
    const QList<check::ContractCase> cases = check::expandContract(contract, {}, &error);
    if (!error.isEmpty())
        qWarning().noquote() << error;
    return check::judgeRecording(s, cases);
}

/// The reasons of every case that did not pass, one line each, for messages and counts.
QStringList failures(const QList<check::CaseResult> &results)
{
    QStringList lines;
    for (const check::CaseResult &r : results) {
        if (!r.passed())
            lines << r.reasons.join(QStringLiteral("; "));
    }
    return lines;
}

QByteArray readData(const QString &name)
{
    QFile file(QStringLiteral(CORSLAB_TEST_DATA "/") + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// \a har with the header \a name removed from the response of the entry whose URL contains
/// \a urlPart.
QByteArray withoutResponseHeader(const QByteArray &har, const QString &urlPart, const QString &name)
{
    QJsonObject root = QJsonDocument::fromJson(har).object();
    QJsonObject log = root.value(QStringLiteral("log")).toObject();
    QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        QJsonObject entry = entries.at(i).toObject();
        const QString url = entry.value(QStringLiteral("request"))
                                .toObject()
                                .value(QStringLiteral("url"))
                                .toString();
        if (!url.contains(urlPart))
            continue;
        QJsonObject response = entry.value(QStringLiteral("response")).toObject();
        QJsonArray kept;
        for (const auto &h : response.value(QStringLiteral("headers")).toArray()) {
            if (h.toObject()
                    .value(QStringLiteral("name"))
                    .toString()
                    .compare(name, Qt::CaseInsensitive) != 0)
                kept.append(h);
        }
        response.insert(QStringLiteral("headers"), kept);
        entry.insert(QStringLiteral("response"), response);
        entries[i] = entry;
    }
    log.insert(QStringLiteral("entries"), entries);
    root.insert(QStringLiteral("log"), log);
    return QJsonDocument(root).toJson();
}

} // namespace

class TestContractInit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rulesFromASession()
    {
        session::Session s;
        s.append(recording());
        const Contract c = check::contractFromSession(s);
        QCOMPARE(c.baseUrl, QString::fromLatin1(kBase));
        QCOMPARE(c.browsers, QStringList{QStringLiteral("chromium")});

        ContractRule getItems =
            expectedRule(QStringLiteral("/items"), kApp, "GET", Expectation::Exposed);
        getItems.varyOrigin = true; // Vary: Origin with the page's own origin
        ContractRule putItems =
            expectedRule(QStringLiteral("/items"), kApp, "PUT", Expectation::Exposed);
        putItems.headers = {{"Content-Type", "application/json"}};
        putItems.varyOrigin = true;
        // The DELETE was never sent: its failed preflight stands for it.
        ContractRule deleteItem =
            expectedRule(QStringLiteral("/items/7"), kApp, "DELETE", Expectation::Blocked);
        deleteItem.error = cors::CorsError::PreflightMissingAllowOriginHeader;
        // '*' is the same for every origin: no Vary promise.
        const ContractRule publicRule =
            expectedRule(QStringLiteral("/public"), kApp, "GET", Expectation::Exposed);
        ContractRule privateRule =
            expectedRule(QStringLiteral("/private"), kEvil, "GET", Expectation::Blocked);
        privateRule.error = cors::CorsError::MissingAllowOriginHeader;
        const QList<ContractRule> expected = {getItems, putItems, deleteItem, publicRule,
                                              privateRule};
        QCOMPARE(c.rules.size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i)
            QCOMPARE(ruleText(c.rules.at(i)), ruleText(expected.at(i)));
        QCOMPARE(c.rules, expected);

        const Contract evilOnly = check::contractFromSession(s, {kEvil});
        QCOMPARE(evilOnly.rules.size(), 1);
        QCOMPARE(evilOnly.rules.first(), privateRule);
        QCOMPARE(evilOnly.baseUrl, QString::fromLatin1(kBase));
    }

    void contractPassesAgainstItsRecording()
    {
        session::Session s;
        s.append(recording());
        Contract c = check::contractFromSession(s);
        QVERIFY(failures(judged(s, c)).isEmpty());
        // Written, read back, and judged under two browsers: still true of the recording.
        Contract back;
        QString error;
        QVERIFY2(check::readContract(check::writeContract(c, check::ContractFormat::Yaml),
                                     QStringLiteral("init.yaml"), &back, &error),
                 qPrintable(error));
        QCOMPARE(back, c);
        back.browsers = {QStringLiteral("chromium"), QStringLiteral("firefox")};
        const QList<check::CaseResult> results = judged(s, back);
        QCOMPARE(results.size(), 2 * c.rules.size());
        QVERIFY2(failures(results).isEmpty(),
                 qPrintable(failures(results).join(QLatin1Char('\n'))));
    }

    void promisesTheRecordingBreaks()
    {
        session::Session s;
        s.append(recording());
        Contract c = check::contractFromSession(s);
        c.rules[0].readableHeaders = {"X-Total-Count"}; // only page=1 exposed it
        c.rules[1].maxAgeAtLeast = 3600;
        QStringList lines = failures(judged(s, c));
        QCOMPARE(lines,
                 QStringList({QStringLiteral("X-Total-Count is not readable: add it to "
                                             "Access-Control-Expose-Headers"),
                              QStringLiteral("Access-Control-Max-Age is 600, expected at least "
                                             "3600")}));
        // A case the recording never saw is an error, not a pass.
        c = check::contractFromSession(s);
        c.rules[3].methods = {"HEAD"};
        const QList<check::CaseResult> results = judged(s, c);
        QCOMPARE(int(results.at(3).outcome), int(check::CaseOutcome::Error));
        QVERIFY2(results.at(3).reasons.first().startsWith(QStringLiteral("not in the recording")),
                 qPrintable(results.at(3).reasons.first()));
    }

    void failsWhenAResponseChanges()
    {
        session::Session s;
        s.append(recording());
        const Contract c = check::contractFromSession(s);
        QList<session::CapturedExchange> changed = recording();
        changed[2].responseHeaders = {{"X-Total-Count", "2"}}; // page=2 lost its Allow-Origin
        session::Session broken;
        broken.append(changed);
        const QStringList lines = failures(judged(broken, c));
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().startsWith(QStringLiteral("expected exposed, got blocked: ")),
                 qPrintable(lines.first()));
    }

    void sessionFileAndHarAreRead()
    {
        session::Session s;
        s.append(recording());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("recording.corslab"));
        QString error;
        QVERIFY2(session::writeSessionFile(s, path, &error), qPrintable(error));
        Contract fromFile;
        QVERIFY2(check::contractFromFile(path, {}, &fromFile, &error), qPrintable(error));
        QCOMPARE(fromFile, check::contractFromSession(s));

        QVERIFY(!check::contractFromFile(dir.filePath(QStringLiteral("none.har")), {}, &fromFile,
                                         &error));
        QVERIFY2(error.startsWith(dir.filePath(QStringLiteral("none.har")) +
                                  QStringLiteral(": cannot read")),
                 qPrintable(error));
        QVERIFY(!check::contractFromFile(path, {"https://nobody.example"}, &fromFile, &error));
        QVERIFY2(error.contains(QStringLiteral("no cross-origin request")), qPrintable(error));
    }

    void chromiumHar()
    {
        const QString har = QStringLiteral(CORSLAB_TEST_DATA "/chromium.har");
        Contract c;
        QString error;
        QVERIFY2(check::contractFromFile(har, {}, &c, &error), qPrintable(error));
        QCOMPARE(c.browsers, QStringList{QStringLiteral("chromium")});
        QCOMPARE(c.baseUrl, QStringLiteral("http://localhost:34631"));
        QStringList summary;
        for (const ContractRule &r : std::as_const(c.rules)) {
            QStringList names;
            for (const auto &h : r.headers)
                names << QString::fromLatin1(h.first.toLower());
            summary << QStringLiteral("%1 %2 %3 [%4] %5 %6")
                           .arg(QString::fromLatin1(r.origins.join(',')),
                                QString::fromLatin1(r.methods.join(',')), r.url,
                                names.join(QLatin1Char(',')), check::expectationName(*r.expect),
                                r.error == cors::CorsError::None ? QString()
                                                                 : cors::corsErrorName(r.error))
                           .trimmed();
        }
        const QStringList expected = {
            QStringLiteral("http://127.0.0.1:45973 GET /public [] exposed"),
            QStringLiteral("http://127.0.0.1:45973 PUT /echo [content-type] exposed"),
            QStringLiteral("http://127.0.0.1:45973 PUT /echo [content-type,x-trace] blocked "
                           "HeaderDisallowedByPreflightResponse"),
            QStringLiteral("http://127.0.0.1:45973 PATCH /echo [] blocked "
                           "MethodDisallowedByPreflightResponse"),
            QStringLiteral(
                "http://localhost:42131 GET /public [] blocked MissingAllowOriginHeader"),
            QStringLiteral("http://localhost:42131 PUT /echo [content-type] blocked "
                           "PreflightMissingAllowOriginHeader"),
        };
        QCOMPARE(summary, expected);
        QVERIFY(c.rules.first().varyOrigin);

        // Judged against the same recording it passes; with the allowed GET's
        // Access-Control-Allow-Origin dropped, that case fails and only it.
        session::Session s;
        QVERIFY2(check::loadRecording(har, &s, &error), qPrintable(error));
        QVERIFY2(failures(judged(s, c)).isEmpty(),
                 qPrintable(failures(judged(s, c)).join(QLatin1Char('\n'))));
        session::Session broken;
        QVERIFY2(
            report::loadHar(withoutResponseHeader(readData(QStringLiteral("chromium.har")),
                                                  QStringLiteral("simple-allowed"),
                                                  QStringLiteral("Access-Control-Allow-Origin")),
                            &broken, &error),
            qPrintable(error));
        const QList<check::CaseResult> results = judged(broken, c);
        QCOMPARE(failures(results).size(), 1);
        QVERIFY(!results.first().passed());
        QVERIFY2(results.first().reasons.first().startsWith(
                     QStringLiteral("expected exposed, got blocked: ")),
                 qPrintable(results.first().reasons.first()));
        QVERIFY(!results.first().fix.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestContractInit)
#include "tst_contract_init.moc"
