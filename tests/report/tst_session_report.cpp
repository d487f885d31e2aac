// The session report from real sessions of Chromium captures: the summary against counts made
// from the session's own rows, the blocked pairs (once each, in id order, with their fix), the
// warnings, the cap, escaping in HTML and Markdown, the JSON shape, 20,000 exchanges, cancel.
#include "../session/chromium_exchanges.h"
#include "report/report_html.h"
#include "report/report_json.h"
#include "report/report_markdown.h"
#include "report/report_output.h"
#include "session/session.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

using namespace corslab;
using namespace corslab::report;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {
const QByteArray kOther = "https://other.example.org";
const QByteArray kItems = "https://api.example.net/items";
const QByteArray kScript = "<script>alert(1)</script>";

base::HeaderList allowingAnswer()
{
    return {{"Access-Control-Allow-Origin", kApp},
            {"Access-Control-Allow-Credentials", "true"},
            {"Access-Control-Allow-Methods", "GET, PUT"},
            {"Access-Control-Allow-Headers", "Content-Type"},
            {"Access-Control-Max-Age", "600"},
            {"Vary", "Origin"}};
}

X preflight(qint64 at, int status, const base::HeaderList &answer, const QByteArray &origin = kApp)
{
    return X("OPTIONS", kItems, at)
        .request(chromiumPreflight(kApi, origin, "PUT", "content-type"))
        .response(status, answer);
}

X put(qint64 at, const base::HeaderList &answer)
{
    X x("PUT", kItems, at);
    x.request(chromiumFetch(kApi, kApp, "cross-site"))
        .add("Content-Type", "application/json")
        .add("Cookie", "sid=1");
    return x.response(200, answer);
}

X get(qint64 at, const QByteArray &url, const QByteArray &origin, const base::HeaderList &answer)
{
    return X("GET", url, at)
        .request(chromiumFetch(kApi, origin, "cross-site"))
        .response(200, answer);
}

/// A little of everything: a blocked preflighted pair, a failed preflight, blocked and exposed
/// simple requests, a warning, a navigation, a transport failure, a header value with <script>.
QList<CapturedExchange> mixedCapture()
{
    QList<CapturedExchange> xs;
    // #1 + #2: the preflight passes, the PUT with a cookie gets '*': WildcardOriginNotAllowed.
    xs << preflight(kT0, 204, allowingAnswer())
       << put(kT0 + 20,
              {{"Access-Control-Allow-Origin", "*"}, {"Content-Type", "application/json"}});
    // #3: a preflight without Access-Control-Allow-Origin: the PUT is never sent.
    xs << preflight(kT0 + 1000, 204, {{"Access-Control-Allow-Methods", "PUT"}}, kOther);
    // #4 and #9: the same endpoint, another origin allowed: AllowOriginMismatch twice.
    xs << get(kT0 + 2000, kItems, kOther, {{"Access-Control-Allow-Origin", kApp}});
    // #5: exposed, but the origin is echoed without Vary: Origin (a warning).
    xs << get(kT0 + 3000, kItems + "?q=1", kApp, {{"Access-Control-Allow-Origin", kApp}});
    // #6: a page load: CORS does not apply.
    xs << X("GET", "https://app.example.com/", kT0 + 4000)
              .request(chromiumNavigation("app.example.com"))
              .response(200, {{"Content-Type", "text/html"}});
    // #7: a response header value with markup in it, blocked (no Allow-Origin).
    xs << get(kT0 + 5000, kItems + "?x=%3Cscript%3E", kApp, {{"X-Debug", kScript}});
    // #8: the connection was refused: no response to judge.
    xs << get(kT0 + 6000, kItems, kApp, {})
              .failed(QStringLiteral("upstream refused the connection"));
    xs << get(kT0 + 7000, kItems + "?page=2", kOther, {{"Access-Control-Allow-Origin", kApp}});
    return xs;
}

SessionReport build(const Session &s, const ReportOptions &options = {})
{
    SessionReport r;
    const ReportStatus status = buildSessionReport(s, &r, options);
    if (status != ReportStatus::Complete)
        qFatal("buildSessionReport did not complete");
    return r;
}

// Text outside fenced code blocks (where Markdown would render HTML).
QString markdownProse(const QString &md)
{
    QStringList prose;
    QString fence;
    for (const QString &line : md.split(QLatin1Char('\n'))) {
        static const QRegularExpression fenceLine(QStringLiteral("^(```+)"));
        const QRegularExpressionMatch m = fenceLine.match(line);
        if (m.hasMatch()) {
            if (fence.isEmpty())
                fence = m.captured(1);
            else if (m.captured(1).size() >= fence.size() && line.trimmed() == m.captured(1))
                fence.clear();
            continue;
        }
        if (fence.isEmpty())
            prose << line;
    }
    return prose.join(QLatin1Char('\n'));
}
} // namespace

class TestSessionReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void summaryMatchesCountsFromTheSession()
    {
        Session s;
        s.append(mixedCapture());
        const SessionReport r = build(s);
        const ReportSummary &sum = r.summary;

        // Recount from the rows, independently of the report.
        std::map<int, qsizetype> byState, byKind, byError;
        std::map<QByteArray, std::map<int, qsizetype>> byOrigin;
        qsizetype failed = 0;
        for (const ExchangeRow &row : s.rows(0, s.count())) {
            ++byState[int(row.verdict.state)];
            ++byKind[int(row.kind)];
            ++byOrigin[row.origin][int(row.verdict.state)];
            if (row.verdict.state == VerdictState::Blocked)
                ++byError[row.verdict.error];
            failed += row.failed ? 1 : 0;
        }
        QCOMPARE(sum.exchanges, s.count());
        QCOMPARE(sum.failed, failed);
        QCOMPARE(sum.verdicts.blocked, byState[int(VerdictState::Blocked)]);
        QCOMPARE(sum.verdicts.exposed, byState[int(VerdictState::Exposed)]);
        QCOMPARE(sum.verdicts.warning, byState[int(VerdictState::Warning)]);
        QCOMPARE(sum.verdicts.unknown, byState[int(VerdictState::Unknown)]);
        QCOMPARE(sum.verdicts.notApplicable, byState[int(VerdictState::NotApplicable)]);
        QCOMPARE(sum.verdicts.total(), s.count());
        // The capture was made to cover these.
        QCOMPARE(sum.verdicts.blocked, 5);
        QVERIFY(sum.verdicts.warning >= 1);
        QCOMPARE(sum.verdicts.notApplicable, 1);
        QCOMPARE(sum.verdicts.unknown, 1);
        QCOMPARE(sum.failed, 1);

        QCOMPARE(sum.origins.size(), qsizetype(byOrigin.size()));
        QCOMPARE(sum.origins.first().origin, kApp); // first appearance first
        for (const OriginCounts &o : sum.origins) {
            const auto &expected = byOrigin[o.origin];
            auto at = [&](VerdictState st) {
                const auto it = expected.find(int(st));
                return it == expected.end() ? qsizetype(0) : it->second;
            };
            QCOMPARE(o.verdicts.blocked, at(VerdictState::Blocked));
            QCOMPARE(o.verdicts.exposed, at(VerdictState::Exposed));
            QCOMPARE(o.verdicts.warning, at(VerdictState::Warning));
            QCOMPARE(o.verdicts.notApplicable, at(VerdictState::NotApplicable));
            QCOMPARE(o.verdicts.unknown, at(VerdictState::Unknown));
        }
        QCOMPARE(sum.errors.size(), qsizetype(byError.size()));
        for (qsizetype i = 0; i < sum.errors.size(); ++i) {
            QCOMPARE(sum.errors.at(i).exchanges, byError[int(sum.errors.at(i).error)]);
            if (i > 0)
                QVERIFY(sum.errors.at(i - 1).exchanges >= sum.errors.at(i).exchanges);
        }
        QCOMPARE(sum.errors.first().error, cors::CorsError::AllowOriginMismatch);
        QCOMPARE(sum.errors.first().exchanges, 2);
        QCOMPARE(sum.kinds.size(), qsizetype(byKind.size()));
        for (const KindCount &k : sum.kinds)
            QCOMPARE(k.exchanges, byKind[int(k.kind)]);
        QCOMPARE(sum.profile, QStringLiteral("chromium"));
        QCOMPARE(sum.firstStartedAtMs, kT0);
        QCOMPARE(sum.lastFinishedAtMs, kT0 + 7000 + 8);
    }

    void blockedPairsOnceInIdOrderWithTheirFix()
    {
        Session s;
        s.append(mixedCapture());
        const SessionReport r = build(s);
        QCOMPARE(r.summary.blockedPairs, r.blockedPairEntries.size());
        QCOMPARE(r.blockedPairs.size(), r.blockedPairEntries.size());
        QCOMPARE(r.morePairs(), 0);

        // Every blocked exchange is in exactly one pair; no pair twice; ids ascending.
        QSet<qint64> covered;
        QSet<QPair<qint64, qint64>> keys;
        for (qsizetype i = 0; i < r.blockedPairEntries.size(); ++i) {
            const BlockedPairEntry &e = r.blockedPairEntries.at(i);
            QVERIFY(!keys.contains({e.preflightId, e.actualId}));
            keys.insert({e.preflightId, e.actualId});
            for (qint64 id : {e.preflightId, e.actualId}) {
                if (id > 0) {
                    QVERIFY2(!covered.contains(id), qPrintable(QString::number(id)));
                    covered.insert(id);
                }
            }
            if (i > 0)
                QVERIFY(r.blockedPairEntries.at(i - 1).id < e.id);
            QCOMPARE(r.blockedPairs.at(i).selectedId, e.id);
        }
        for (const ExchangeRow &row : s.rows(0, s.count())) {
            if (row.verdict.state == VerdictState::Blocked)
                QVERIFY2(covered.contains(row.id), qPrintable(QString::number(row.id)));
        }

        // The preflighted PUT: both halves, shown once, with the fix as header lines.
        const BlockedPairEntry &first = r.blockedPairEntries.first();
        QCOMPARE(first.preflightId, 1);
        QCOMPARE(first.actualId, 2);
        QCOMPARE(first.error, cors::CorsError::WildcardOriginNotAllowed);
        const PairView &pair = r.blockedPairs.first();
        QVERIFY(pair.preflight.present);
        QVERIFY(pair.actual.present);
        const QStringList fix = pair.explanation.fixHeaderLines;
        QVERIFY2(
            fix.contains(QStringLiteral("Access-Control-Allow-Origin: ") + QLatin1String(kApp)),
            qPrintable(fix.join(QLatin1Char('\n'))));
        QVERIFY(fix.contains(QStringLiteral("Access-Control-Allow-Credentials: true")));

        // The failed preflight: a pair of its own, the actual request never sent.
        const BlockedPairEntry &second = r.blockedPairEntries.at(1);
        QCOMPARE(second.preflightId, 3);
        QCOMPARE(second.actualId, 0);
        QVERIFY(!r.blockedPairs.at(1).actual.present);
        QVERIFY(r.blockedPairs.at(1).actual.absentReason.startsWith(QLatin1String("never sent")));

        // Every blocked pair shown in full has a fix, and the writers carry its lines.
        const QString html = QString::fromUtf8(renderReportHtml(r));
        const QString md = QString::fromUtf8(renderReportMarkdown(r));
        for (const PairView &p : r.blockedPairs) {
            QVERIFY2(p.explanation.fix, qPrintable(p.explanation.headline));
            for (const QString &line : p.explanation.fixHeaderLines) {
                QVERIFY2(html.contains(line.toHtmlEscaped()), qPrintable(line));
                QVERIFY2(md.contains(line), qPrintable(line));
            }
        }
        // Where to fix: the two AllowOriginMismatch GETs share their endpoint (query dropped).
        const BlockedEndpoint &top = r.blockedEndpoints.first();
        QCOMPARE(top.pairs, 2);
        QCOMPARE(top.endpoint, kItems);
        QCOMPARE(top.origin, kOther);
        QCOMPARE(top.error, cors::CorsError::AllowOriginMismatch);
        QCOMPARE(top.firstId, 4);
    }

    // A preflight that fails for the credentialed request after it (no
    // Access-Control-Allow-Credentials) and that request: both blocked, one pair.
    void bothHalvesBlockedShowOnce()
    {
        Session s;
        s.append({preflight(kT0, 204,
                            {{"Access-Control-Allow-Origin", kApp},
                             {"Access-Control-Allow-Methods", "PUT"},
                             {"Access-Control-Allow-Headers", "Content-Type"}}),
                  put(kT0 + 20, {{"Access-Control-Allow-Origin", kApp}})});
        const QList<ExchangeRow> rows = s.rows(0, 2);
        QCOMPARE(rows.at(0).verdict.state, VerdictState::Blocked);
        QCOMPARE(rows.at(1).verdict.state, VerdictState::Blocked);
        QCOMPARE(rows.at(1).pairedId, 1);
        const SessionReport r = build(s);
        QCOMPARE(r.summary.verdicts.blocked, 2);
        QCOMPARE(r.summary.blockedPairs, 1);
        QCOMPARE(r.blockedPairs.size(), 1);
        QCOMPARE(r.blockedPairEntries.first().preflightId, 1);
        QCOMPARE(r.blockedPairEntries.first().actualId, 2);
        QVERIFY(r.blockedPairs.first().preflight.present);
        QVERIFY(r.blockedPairs.first().actual.present);
    }

    void warningsGroupedByKind()
    {
        Session s;
        s.append(mixedCapture());
        const SessionReport r = build(s);
        const WarningGroup *vary = nullptr;
        for (const WarningGroup &g : r.warnings) {
            if (g.kind == cors::WarningKind::EchoedOriginWithoutVary)
                vary = &g;
            QCOMPARE(g.exchanges, g.occurrences.size()); // under the cap here
            for (const WarningOccurrence &o : g.occurrences)
                QVERIFY(!o.text.isEmpty());
        }
        QVERIFY(vary);
        QCOMPARE(vary->name, QStringLiteral("echoed-origin-without-vary"));
        QList<qint64> ids;
        for (const WarningOccurrence &o : vary->occurrences)
            ids << o.id;
        QVERIFY2(ids.contains(5), qPrintable(QString::number(ids.size())));
        QVERIFY(!ids.contains(6)); // the navigation has no CORS warning
        // Each exchange the session marks "⚠ warning" appears in some group.
        for (const ExchangeRow &row : s.rows(0, s.count())) {
            if (row.verdict.state != VerdictState::Warning)
                continue;
            bool found = false;
            for (const WarningGroup &g : r.warnings)
                for (const WarningOccurrence &o : g.occurrences)
                    found = found || o.id == row.id;
            QVERIFY2(found, qPrintable(QString::number(row.id)));
        }
    }

    void capListsTheRestByLine()
    {
        Session s;
        s.append(mixedCapture());
        ReportOptions options;
        options.maxFullPairs = 1;
        const SessionReport r = build(s, options);
        QCOMPARE(r.blockedPairs.size(), 1);
        QCOMPARE(r.morePairs(), r.summary.blockedPairs - 1);
        const QString html = QString::fromUtf8(renderReportHtml(r));
        QVERIFY(html.contains(QStringLiteral("%1 more blocked pairs").arg(r.morePairs())));
        for (qsizetype i = 1; i < r.blockedPairEntries.size(); ++i) {
            const BlockedPairEntry &e = r.blockedPairEntries.at(i);
            QVERIFY(html.contains(QStringLiteral("<td class=\"n\">%1</td>").arg(e.id)));
            QVERIFY(!html.contains(QStringLiteral("id=\"pair-%1\"").arg(e.id)));
        }
        const QJsonObject json = reportToJson(r);
        QCOMPARE(json.value(QStringLiteral("blockedPairs")).toArray().size(), 1);
        QCOMPARE(json.value(QStringLiteral("moreBlockedPairs")).toArray().size(), r.morePairs());
    }

    void htmlIsSelfContainedAndEscaped()
    {
        Session s;
        s.append(mixedCapture());
        const SessionReport r = build(s);
        const QString html = QString::fromUtf8(renderReportHtml(r));
        QVERIFY(html.startsWith(QLatin1String("<!DOCTYPE html>")));
        QVERIFY(html.contains(QLatin1String(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">")));
        QVERIFY(html.contains(QLatin1String("prefers-color-scheme: dark")) ||
                html.contains(QLatin1String("prefers-color-scheme:dark")));
        // The header value is shown, escaped; no markup of the capture gets through.
        QVERIFY(html.contains(QLatin1String("X-Debug: &lt;script&gt;alert(1)&lt;/script&gt;")));
        QVERIFY(!html.contains(QLatin1String("<script"), Qt::CaseInsensitive));
        // Nothing that loads: no external stylesheet, image, font, frame or import.
        for (const char *needle : {"<link", "<img", "<iframe", "<object", "<embed",
                                   "src=", "@import", "url(", "@font-face"})
            QVERIFY2(!html.contains(QLatin1String(needle), Qt::CaseInsensitive), needle);
        // Side by side, with the decisive header marked and the missing one named.
        QVERIFY(html.contains(QLatin1String("class=\"sides\"")));
        QVERIFY(html.contains(QLatin1String("decided the verdict")));
        QVERIFY(html.contains(QLatin1String("(Access-Control-Allow-Credentials missing)")));
        QVERIFY(html.contains(QLatin1String("id=\"warning-echoed-origin-without-vary\"")));
        // A URL with %XX escapes is shown as is (no placeholder substitution in it).
        QVERIFY(html.contains(QLatin1String("?x=%3Cscript%3E")));
    }

    void markdownShapeAndEscaping()
    {
        Session s;
        s.append(mixedCapture());
        const SessionReport r = build(s);
        const QString md = QString::fromUtf8(renderReportMarkdown(r));
        QVERIFY(md.startsWith(QLatin1String("# CORS report: 9 exchanges, judged as Chromium")));
        for (const char *heading : {"\n## Summary\n", "\n## Blocked pairs\n", "\n## Warnings\n"})
            QVERIFY2(md.contains(QLatin1String(heading)), heading);
        QVERIFY(md.contains(QLatin1String("| Verdict | Exchanges |")));
        QVERIFY(md.contains(QStringLiteral("| ✗ blocked | 5 |")));
        QVERIFY(md.contains(QStringLiteral("### 1. ✗ WildcardOriginNotAllowed: PUT ") +
                            QLatin1String(kItems)));
        QVERIFY(md.contains(QLatin1String("**Fix (server):**\n\n```http\n# Response (PUT ")));
        // Raw markup only inside code blocks, where it is shown as text.
        QVERIFY(md.contains(QLatin1String("X-Debug: <script>alert(1)</script>")));
        const QString prose = markdownProse(md);
        QVERIFY(!prose.contains(QLatin1String("<script"), Qt::CaseInsensitive));
        QVERIFY(prose.contains(QLatin1String("Blocked pairs")));
    }

    void jsonShape()
    {
        Session s;
        s.append(mixedCapture());
        const SessionReport r = build(s);
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(renderReportJson(r), &parseError);
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        const QJsonObject json = doc.object();
        QCOMPARE(json.value(QStringLiteral("format")).toString(), QStringLiteral("corslab-report"));
        QCOMPARE(json.value(QStringLiteral("version")).toInt(), kReportFormatVersion);
        QCOMPARE(json.value(QStringLiteral("profile")).toString(), QStringLiteral("chromium"));
        const QJsonObject summary = json.value(QStringLiteral("summary")).toObject();
        QCOMPARE(summary.value(QStringLiteral("exchanges")).toInt(), 9);
        const QJsonObject verdicts = summary.value(QStringLiteral("verdicts")).toObject();
        QCOMPARE(verdicts.value(QStringLiteral("blocked")).toInt(), r.summary.verdicts.blocked);
        QCOMPARE(verdicts.value(QStringLiteral("total")).toInt(), 9);
        QCOMPARE(summary.value(QStringLiteral("origins")).toArray().size(),
                 r.summary.origins.size());
        QCOMPARE(summary.value(QStringLiteral("errors"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("error"))
                     .toString(),
                 QStringLiteral("AllowOriginMismatch"));

        const QJsonArray pairs = json.value(QStringLiteral("blockedPairs")).toArray();
        QCOMPARE(pairs.size(), r.blockedPairs.size());
        const QJsonObject first = pairs.first().toObject();
        QCOMPARE(first.value(QStringLiteral("preflightId")).toInt(), 1);
        QCOMPARE(first.value(QStringLiteral("actualId")).toInt(), 2);
        QCOMPARE(first.value(QStringLiteral("error")).toString(),
                 QStringLiteral("WildcardOriginNotAllowed"));
        const QJsonObject actual = first.value(QStringLiteral("actual")).toObject();
        QCOMPARE(actual.value(QStringLiteral("present")).toBool(), true);
        bool decisive = false;
        bool missing = false;
        for (const QJsonValue &h : actual.value(QStringLiteral("responseHeaders")).toArray()) {
            const QJsonObject o = h.toObject();
            if (o.value(QStringLiteral("decisive")).toBool())
                decisive = o.value(QStringLiteral("name")) ==
                           QStringLiteral("Access-Control-Allow-Origin");
            if (o.value(QStringLiteral("missing")).toBool()) {
                missing = true;
                QVERIFY(o.value(QStringLiteral("value")).isNull());
            }
        }
        QVERIFY(decisive);
        QVERIFY(missing);
        const QJsonObject fix = first.value(QStringLiteral("explanation"))
                                    .toObject()
                                    .value(QStringLiteral("fix"))
                                    .toObject();
        QVERIFY(fix.value(QStringLiteral("lines"))
                    .toArray()
                    .contains(QStringLiteral("Access-Control-Allow-Credentials: true")));
        QCOMPARE(fix.value(QStringLiteral("targets")).toArray().size(), 1);
        const QJsonObject second = pairs.at(1).toObject();
        QVERIFY(second.value(QStringLiteral("actualId")).isNull());
        QVERIFY(!second.value(QStringLiteral("actual"))
                     .toObject()
                     .value(QStringLiteral("present"))
                     .toBool(true));

        bool varyGroup = false;
        for (const QJsonValue &g : json.value(QStringLiteral("warnings")).toArray()) {
            const QJsonObject o = g.toObject();
            QVERIFY(!o.value(QStringLiteral("title")).toString().isEmpty());
            QCOMPARE(o.value(QStringLiteral("occurrences")).toArray().size(),
                     o.value(QStringLiteral("exchanges")).toInt());
            varyGroup = varyGroup || o.value(QStringLiteral("kind")) ==
                                         QStringLiteral("echoed-origin-without-vary");
        }
        QVERIFY(varyGroup);
        // The header value with markup is kept as is: JSON needs no HTML escaping.
        QVERIFY(QString::fromUtf8(renderReportJson(r)).contains(QLatin1String(kScript)));
    }

    void emptySession()
    {
        Session s;
        const SessionReport r = build(s);
        QCOMPARE(r.summary.exchanges, 0);
        QVERIFY(r.blockedPairs.isEmpty());
        QVERIFY(
            QString::fromUtf8(renderReportHtml(r)).contains(QLatin1String("Nothing was blocked")));
        QVERIFY(QString::fromUtf8(renderReportMarkdown(r)).contains(QLatin1String("No warnings.")));
        QVERIFY(QJsonDocument::fromJson(renderReportJson(r)).isObject());
    }

    void progressAndCancel()
    {
        Session s;
        s.append(mixedCapture());
        // Progress only goes forward and ends at its total.
        qsizetype lastDone = -1;
        qsizetype lastTotal = 0;
        int calls = 0;
        SessionReport r;
        QCOMPARE(buildSessionReport(s, &r, {},
                                    [&](qsizetype done, qsizetype total) {
                                        if (done < lastDone || done > total)
                                            qFatal("progress went backwards or past its total");
                                        lastDone = done;
                                        lastTotal = total;
                                        ++calls;
                                        return true;
                                    }),
                 ReportStatus::Complete);
        QVERIFY(calls >= 2);
        QCOMPARE(lastDone, lastTotal);
        QVERIFY(lastTotal >= s.count() + r.blockedPairs.size());

        // Cancelling at any call stops the build and leaves the output as it was.
        for (int stopAt = 0; stopAt < calls; ++stopAt) {
            SessionReport untouched;
            untouched.generatedBy = QStringLiteral("before");
            int n = 0;
            QCOMPARE(buildSessionReport(s, &untouched, {},
                                        [&](qsizetype, qsizetype) { return n++ < stopAt; }),
                     ReportStatus::Cancelled);
            QCOMPARE(untouched.generatedBy, QStringLiteral("before"));
        }
    }

    void clearedSessionIsNoticed()
    {
        Session s;
        s.append(mixedCapture());
        SessionReport r;
        bool cleared = false;
        const ReportStatus status = buildSessionReport(s, &r, {}, [&](qsizetype done, qsizetype) {
            if (done > 0 && !cleared) {
                s.clear();
                cleared = true;
            }
            return true;
        });
        QVERIFY(cleared);
        QCOMPARE(status, ReportStatus::SessionCleared);
    }

    void formatsAndFiles()
    {
        ReportFormat f = ReportFormat::Html;
        QVERIFY(reportFormatFromName(QStringLiteral("md"), &f));
        QCOMPARE(f, ReportFormat::Markdown);
        QVERIFY(reportFormatFromName(QStringLiteral("JSON"), &f));
        QCOMPARE(f, ReportFormat::Json);
        QVERIFY(!reportFormatFromName(QStringLiteral("pdf"), &f));
        QVERIFY(reportFormatForPath(QStringLiteral("/tmp/r.htm")) == ReportFormat::Html);
        QVERIFY(reportFormatForPath(QStringLiteral("r.markdown")) == ReportFormat::Markdown);
        QVERIFY(!reportFormatForPath(QStringLiteral("report")));

        Session s;
        s.append(mixedCapture());
        const SessionReport r = build(s);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (ReportFormat format :
             {ReportFormat::Html, ReportFormat::Markdown, ReportFormat::Json}) {
            const QString path = dir.filePath(QStringLiteral("report.") + reportFormatName(format));
            QString error;
            QVERIFY2(saveReport(r, format, path, &error), qPrintable(error));
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.readAll(), renderReport(r, format));
        }
        QString error;
        const QString bad = dir.filePath(QStringLiteral("no/such/dir/report.html"));
        QVERIFY(!saveReport(r, ReportFormat::Html, bad, &error));
        QVERIFY2(error.contains(bad), qPrintable(error));
    }

    void hundredThousandExchanges()
    {
        Session s;
        // 20,000 exchanges in batches like the proxy's: a third blocked simple GETs, a third
        // exposed with a warning, preflighted PUTs (one pair blocked in every ten), page loads.
        constexpr int kCount = 20000; // bench_reports measures 100,000
        QList<CapturedExchange> batch;
        qsizetype expectedBlockedPairs = 0;
        for (int i = 0; i < kCount;) {
            const qint64 at = kT0 + qint64(i) * 10;
            const QByteArray url = kItems + "/" + QByteArray::number(i % 997);
            // The last exchange cannot start a pair: a page load instead.
            switch (i + 1 < kCount ? i % 6 : 5) {
            case 0:
            case 1:
                batch << get(at, url, kOther, {{"Access-Control-Allow-Origin", kApp}});
                ++expectedBlockedPairs;
                ++i;
                break;
            case 2:
                batch << get(at, url, kApp, {{"Access-Control-Allow-Origin", kApp}});
                ++i;
                break;
            case 3: {
                const bool blocked = (i / 6) % 10 == 0;
                batch << X(preflight(at, 204, allowingAnswer())).x;
                batch << X(put(at + 5, {{"Access-Control-Allow-Origin", blocked ? "*" : kApp},
                                        {"Access-Control-Allow-Credentials", "true"},
                                        {"Vary", "Origin"}}))
                             .x;
                expectedBlockedPairs += blocked ? 1 : 0;
                i += 2;
                break;
            }
            default:
                batch << X("GET", "https://app.example.com/", at)
                             .request(chromiumNavigation("app.example.com"))
                             .response(200, {{"Content-Type", "text/html"}});
                ++i;
            }
            if (batch.size() >= 1000) {
                s.append(batch);
                batch.clear();
            }
        }
        s.append(batch);
        QCOMPARE(s.count(), kCount);

        QElapsedTimer timer;
        timer.start();
        SessionReport r;
        qsizetype lastTotal = 0;
        QCOMPARE(buildSessionReport(s, &r, {},
                                    [&](qsizetype, qsizetype total) {
                                        lastTotal = total;
                                        return true;
                                    }),
                 ReportStatus::Complete);
        const qint64 buildMs = timer.restart();
        const QByteArray html = renderReportHtml(r);
        const qint64 htmlMs = timer.restart();
        const QByteArray json = renderReportJson(r);
        const qint64 jsonMs = timer.restart();
        const QByteArray md = renderReportMarkdown(r);
        const qint64 mdMs = timer.elapsed();
        qInfo("20,000 exchanges: report %lld ms (%lld progress steps), HTML %lld ms (%lld KB), "
              "JSON %lld ms (%lld KB), Markdown %lld ms (%lld KB)",
              buildMs, qint64(lastTotal), htmlMs, qint64(html.size() / 1024), jsonMs,
              qint64(json.size() / 1024), mdMs, qint64(md.size() / 1024));

        QCOMPARE(r.summary.exchanges, kCount);
        QCOMPARE(r.summary.blockedPairs, expectedBlockedPairs);
        QCOMPARE(r.blockedPairs.size(), 500);
        QCOMPARE(r.morePairs(), expectedBlockedPairs - 500);
        QCOMPARE(r.blockedPairEntries.size(), expectedBlockedPairs);
        for (const WarningGroup &g : r.warnings)
            QVERIFY(g.occurrences.size() <= 200);
        // The HTML stays a file a browser opens: the rest listed up to its cap.
        QVERIFY(html.size() < 40 * 1024 * 1024);
        QCOMPARE(QJsonDocument::fromJson(json)
                     .object()
                     .value(QStringLiteral("moreBlockedPairs"))
                     .toArray()
                     .size(),
                 expectedBlockedPairs - 500);
    }
};

QTEST_GUILESS_MAIN(TestSessionReport)
#include "tst_session_report.moc"
