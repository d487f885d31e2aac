// The web-platform-tests CORS cases (tests/browser/wpt_cases.json, rows of our own written from
// WPT's data: the request, the server's answers, WPT's expected outcome and the WPT file) against
// the engine, without a browser: every row loads and is one the harness can run faithfully
// (resolveScenario), and the engine's verdict under the spec profile is WPT's expectation (the
// response exposed or a network error, a preflight or none, the headers script can read), but
// for the rows listed in knownDifferences(), which must still differ.

#include "cors/browser_profile.h"
#include "cors/cors_engine.h"
#include "cors/scenario_json.h"
#include "wpt_cases.h"

#include <QHash>
#include <QJsonArray>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {

const HarnessOrigins kOrigins{u"http://127.0.0.1:8000"_s, u"http://localhost:8001"_s,
                              u"http://localhost:8002"_s};

/// \a text with control characters written as \xNN, so that a message survives printing.
QString printable(const QString &text)
{
    QString out;
    for (const QChar c : text)
        out +=
            c.unicode() < 0x20 ? u"\\x%1"_s.arg(c.unicode(), 2, 16, QLatin1Char('0')) : QString(c);
    return out;
}

/// Rows where the engine deliberately gives another outcome than WPT's stored expectation, and
/// why (docs/BROWSERS.md, "web-platform-tests").
const QHash<QString, QString> &knownDifferences()
{
    static const QHash<QString, QString> kKnown{
        {u"wpt-safelisted-lei-1"_s,
         u"Last-Event-ID is not CORS-safelisted in today's Fetch standard (the spec profile "
         "preflights it, as Chromium and Firefox do: tst_wpt_browser); WPT's file still lists "
         "\"abc123\" as safe"_s},
        {u"wpt-xhr-basic-put-last-event-id-safe"_s,
         u"the same: Last-Event-ID gets a preflight, which this row's server refuses"_s},
    };
    return kKnown;
}

QString yesNo(bool value)
{
    return value ? u"yes"_s : u"no"_s;
}

/// What the engine says of \a row that differs from WPT's expectation (empty: none), or why the
/// row cannot be judged.
QStringList differences(const WptCase &row, const cors::BrowserProfile &profile)
{
    QString error;
    const std::optional<QJsonObject> resolved = resolveScenario(row.browserCase, kOrigins, &error);
    if (!resolved)
        return {u"the harness cannot run it: "_s + error};
    QJsonObject json = *resolved;
    QJsonObject request = json.value(u"request"_s).toObject();
    request.remove(u"body"_s); // a fetch() detail the engine does not take
    json.insert(u"request"_s, request);
    cors::Scenario scenario;
    if (!cors::scenarioFromJson(json, &scenario, &error)) {
        // A NUL in a response header value is no valid HTTP response: a network error, which
        // is WPT's "blocked". The engine's scenarios refuse such a value outright.
        if (!row.exposed && row.answersHoldNul)
            return {};
        return {u"the engine cannot read it: "_s + error};
    }
    const cors::Verdict verdict = cors::evaluate(scenario, profile);
    QStringList out;
    if (verdict.exposed != row.exposed)
        out.append(u"exposed: WPT %1, engine %2 (%3)"_s.arg(
            yesNo(row.exposed), yesNo(verdict.exposed), cors::corsErrorName(verdict.error)));
    if (row.preflight && *row.preflight != verdict.preflightRequired)
        out.append(u"preflight: WPT %1, engine %2"_s.arg(yesNo(*row.preflight),
                                                         yesNo(verdict.preflightRequired)));
    if (row.readable && row.exposed && verdict.exposed) {
        QStringList engine;
        for (const QByteArray &name : verdict.readableHeaders)
            engine.append(QString::fromLatin1(name).toLower());
        engine.sort();
        if (engine != *row.readable)
            out.append(u"readable: WPT [%1], engine [%2]"_s.arg(row.readable->join(u", "_s),
                                                                engine.join(u", "_s)));
    }
    return out;
}

} // namespace

class TestWptCases : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rowsLoad();
    void engineGivesWptsOutcome();

private:
    QList<WptCase> m_rows;
};

void TestWptCases::rowsLoad()
{
    QString error;
    QVERIFY2(loadWptCases(&m_rows, &error), qPrintable(error));
    QVERIFY(m_rows.size() >= 250);
    for (const WptCase &row : std::as_const(m_rows))
        QVERIFY2(row.browserCase.id.startsWith(u"wpt-"_s), qPrintable(row.browserCase.id));
}

void TestWptCases::engineGivesWptsOutcome()
{
    const cors::BrowserProfile &spec = cors::BrowserProfile::get(cors::Browser::Spec);
    QStringList failures;
    for (const WptCase &row : std::as_const(m_rows)) {
        const QStringList diff = differences(row, spec);
        const bool known = knownDifferences().contains(row.browserCase.id);
        if (known && diff.isEmpty())
            failures.append(row.browserCase.id +
                            u": listed as a known difference, but the engine now agrees"_s);
        if (!diff.isEmpty() && !known)
            failures.append(u"%1 (%2): %3"_s.arg(row.browserCase.id, row.wptFile,
                                                 printable(diff.join(u"; "_s))));
    }
    qInfo("%lld WPT rows: the engine (spec profile) gives WPT's outcome for %lld, differs "
          "knowingly for %lld",
          static_cast<long long>(m_rows.size()),
          static_cast<long long>(m_rows.size() - knownDifferences().size()),
          static_cast<long long>(knownDifferences().size()));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestWptCases)
#include "tst_wpt_cases.moc"
