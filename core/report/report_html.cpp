#include "report_html.h"

#include "session_report.h"

#include <QHash>
#include <QTimeZone>
#include <utility>

namespace corslab::report {

namespace {

using session::VerdictState;

// Inline, so that the file needs nothing else; colours as CSS variables so that dark mode only
// swaps the palette. The pair's look follows the desktop app's pair view: CORS lines tinted with
// the accent, the decisive line tinted red, missing headers in italics, words next to marks.
const char kStyle[] = R"css(
:root{color-scheme:light dark;--bg:#f5f6f8;--fg:#1c2230;--muted:#5c6677;--card:#fff;
--border:#d8dce3;--head:#eef1f5;--accent:#2a62c9;--cors:#e4edfb;--fail-bg:#fbe1de;
--fail:#b3261e;--ok:#1b7a3a;--warn:#8a5800;--warn-bg:#fff2d8;--na:#6b7280;--code:#f0f2f5}
@media (prefers-color-scheme:dark){:root{--bg:#14171c;--fg:#e2e6ec;--muted:#9aa4b4;
--card:#1d2127;--border:#333a45;--head:#242a32;--accent:#80a8ff;--cors:#1d304d;
--fail-bg:#4b2221;--fail:#ff8f85;--ok:#72d08f;--warn:#f0c052;--warn-bg:#3b3020;--na:#a0a7b3;
--code:#262b33}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Ubuntu,Cantarell,sans-serif}
main{max-width:1240px;margin:0 auto;padding:0 24px 48px}
code,pre,.lines{font-family:ui-monospace,"SF Mono","DejaVu Sans Mono",Menlo,Consolas,monospace;
font-size:12.5px}
a{color:var(--accent)}
header.top{background:var(--card);border-bottom:1px solid var(--border)}
header.top .in{max-width:1240px;margin:0 auto;padding:18px 24px 14px}
.brand{font-weight:600;color:var(--accent);letter-spacing:.04em;text-transform:uppercase;
font-size:12px}
h1{margin:2px 0 4px;font-size:24px}
.meta{color:var(--muted);margin:0}
nav.toc{margin-top:10px;display:flex;gap:18px;font-size:13px}
h2{font-size:19px;margin:30px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--border)}
h3{font-size:15px;margin:0}
h4{font-size:13px;margin:14px 0 6px;color:var(--muted);text-transform:uppercase;
letter-spacing:.04em}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:12px}
.card{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:12px 14px}
.card .num{display:block;font-size:26px;font-weight:650}
.card .label{color:var(--muted)}
.card.blocked .num{color:var(--fail)}.card.exposed .num{color:var(--ok)}
.card.warning .num{color:var(--warn)}.card.na .num,.card.unknown .num{color:var(--na)}
.bar{display:flex;height:10px;border-radius:5px;overflow:hidden;margin:12px 0 4px;
background:var(--border)}
.bar span{display:block;height:100%}
.bar .exposed{background:var(--ok)}.bar .warning{background:var(--warn)}
.bar .blocked{background:var(--fail)}.bar .na{background:var(--na)}
.bar .unknown{background:var(--muted)}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px;align-items:start}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--border);
border-radius:8px;overflow:hidden;margin:6px 0 14px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--border);vertical-align:top}
th{background:var(--head);font-weight:600;font-size:12.5px}
tr:last-child td{border-bottom:0}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.url{word-break:break-all}
.caption{font-weight:600;margin:14px 0 4px}
.muted{color:var(--muted)}
.pair,.wgroup{background:var(--card);border:1px solid var(--border);border-radius:8px;
margin:0 0 18px;break-inside:avoid}
.pair>.head,.wgroup>.head{padding:10px 14px;border-bottom:1px solid var(--border);
background:var(--head);border-radius:8px 8px 0 0}
.pair .req{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;
font-size:13px;word-break:break-all;font-weight:500}
.badge{display:inline-block;font-size:12px;font-weight:700;padding:1px 8px;border-radius:10px;
margin-right:6px;vertical-align:1px}
.badge.blocked{background:var(--fail-bg);color:var(--fail)}
.badge.warning,.badge.security{background:var(--warn-bg);color:var(--warn)}
.badge.info{background:var(--cors);color:var(--accent)}
.sub{color:var(--muted);margin:3px 0 0;font-size:13px}
.sides{display:grid;grid-template-columns:1fr 1fr}
.side{padding:10px 14px;min-width:0}
.side+.side{border-left:1px solid var(--border)}
.side-title{font-weight:700;font-size:12.5px;letter-spacing:.03em;margin-bottom:6px}
.lines{border:1px solid var(--border);border-radius:6px;padding:6px 0;background:var(--bg)}
.l{padding:1px 8px;white-space:pre-wrap;word-break:break-all}
.l.cors{background:var(--cors);font-weight:600}
.l.emph{font-weight:700}
.l.decisive{background:var(--fail-bg);font-weight:700}
.l.missing .t{font-style:italic}
.l .ann{font-weight:600;white-space:normal}
.l .ann.failed{color:var(--fail)}.l .ann.ok{color:var(--ok)}.l .ann.warning{color:var(--warn)}
.l .ann.note{color:var(--muted);font-weight:400}
.dir{color:var(--muted);font-weight:400}
.gap{height:6px}
.absent{font-style:italic;color:var(--muted);border:1px dashed var(--border);border-radius:6px;
padding:10px 12px;margin:0}
.explain{padding:4px 14px 14px;border-top:1px solid var(--border)}
.summary-line{margin:10px 0 4px}
ol.checks{list-style:none;padding:0;margin:0}
ol.checks li{padding:3px 0 3px 26px;position:relative}
ol.checks li .m{position:absolute;left:4px;font-weight:700}
ol.checks li.ok .m{color:var(--ok)}
ol.checks li.failed{background:var(--fail-bg);border-radius:4px}
ol.checks li.failed .m{color:var(--fail)}
.phase{color:var(--muted)}
.sentence{color:var(--fg)}
dl.texts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}
dl.texts dt{color:var(--muted)}dl.texts dd{margin:0;word-break:break-word}
dl.texts dd.current code{font-weight:700}
pre.fix{background:var(--code);border:1px solid var(--border);border-radius:6px;padding:8px 10px;
margin:4px 0;white-space:pre-wrap;word-break:break-all;user-select:all;-webkit-user-select:all}
.fixcond{color:var(--warn);font-weight:600}
ul.warns{margin:4px 0;padding-left:20px}
details{margin-top:10px}summary{cursor:pointer;color:var(--muted)}
.wgroup .body{padding:8px 14px}
.wgroup table{margin:6px 0 4px}
.wgroup td:first-child,.wgroup th:first-child{width:5em}
footer{color:var(--muted);font-size:12.5px;margin-top:36px;border-top:1px solid var(--border);
padding-top:10px}
.empty{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:14px}
@media (max-width:900px){.sides,.grid2{grid-template-columns:1fr}.side+.side{border-left:0;
border-top:1px solid var(--border)}.cards{grid-template-columns:repeat(2,1fr)}}
@media print{body{background:#fff}.pair,.wgroup,table{break-inside:avoid}}
)css";

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

// Capture bytes are shown as Latin-1, one character per byte, as everywhere in CORS Lab.
QString esc(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes).toHtmlEscaped();
}

QString utcTime(qint64 ms, const QString &format)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(format);
}

QString plural(qsizetype n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

QString percent(qsizetype part, qsizetype whole)
{
    return QString::number(whole ? 100.0 * double(part) / double(whole) : 0.0, 'f', 2);
}

QString originText(const QByteArray &origin)
{
    return origin.isEmpty() ? QStringLiteral("<span class=\"muted\">(no Origin)</span>")
                            : esc(origin);
}

QString pairAnchor(qint64 id)
{
    return QStringLiteral("pair-%1").arg(id);
}

class HtmlWriter
{
public:
    explicit HtmlWriter(const SessionReport &report) : m_r(report)
    {
        // Either half of a pair shown in full links to it.
        for (const PairView &p : report.blockedPairs) {
            for (qint64 id : {p.selectedId, p.preflight.id, p.actual.id}) {
                if (id > 0 && !m_pairOf.contains(id))
                    m_pairOf.insert(id, p.selectedId);
            }
        }
    }

    QByteArray render()
    {
        const ReportSummary &s = m_r.summary;
        m_o +=
            QStringLiteral(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"color-scheme\" content=\"light dark\">\n"
                "<meta name=\"generator\" content=\"%1\">\n<title>CORS report: %2</title>\n<style>")
                .arg(esc(m_r.generatedBy.isEmpty() ? QStringLiteral("CORS Lab") : m_r.generatedBy),
                     plural(s.exchanges, "exchange", "exchanges"));
        m_o += QLatin1String(kStyle);
        for (const ReportAppendix &a : m_r.appendices)
            m_o += a.css;
        m_o += QStringLiteral("</style>\n</head>\n<body>\n");
        header();
        m_o += QStringLiteral("<main>\n");
        summary();
        blockedPairs();
        warnings();
        appendices();
        m_o +=
            QStringLiteral(
                "<footer>Generated %1 by %2. This file is self-contained: it loads "
                "nothing, and its header lines are the capture's bytes, escaped.</footer>\n")
                .arg(esc(m_r.generatedAt.toUTC().toString(
                         QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"))),
                     esc(m_r.generatedBy.isEmpty() ? QStringLiteral("CORS Lab") : m_r.generatedBy));
        m_o += QStringLiteral("</main>\n</body>\n</html>\n");
        return m_o.toUtf8();
    }

private:
    void header()
    {
        const ReportSummary &s = m_r.summary;
        QStringList meta;
        meta << plural(s.exchanges, "exchange", "exchanges");
        meta << QStringLiteral("judged as %1").arg(esc(s.profileDisplayName));
        if (s.firstStartedAtMs > 0) {
            const QString from = utcTime(s.firstStartedAtMs, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            const qint64 last = std::max(s.lastFinishedAtMs, s.firstStartedAtMs);
            const bool sameDay = utcTime(last, QStringLiteral("yyyy-MM-dd")) ==
                                 utcTime(s.firstStartedAtMs, QStringLiteral("yyyy-MM-dd"));
            const QString to = utcTime(last, sameDay ? QStringLiteral("HH:mm:ss")
                                                     : QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            meta << QStringLiteral("captured %1 – %2 UTC").arg(from, to);
        }
        if (s.failed > 0)
            meta << plural(s.failed, "transport failure", "transport failures");
        m_o += QStringLiteral("<header class=\"top\"><div class=\"in\">\n"
                              "<div class=\"brand\">CORS Lab</div>\n<h1>CORS report</h1>\n"
                              "<p class=\"meta\">%1</p>\n<nav class=\"toc\">"
                              "<a href=\"#summary\">Summary</a>"
                              "<a href=\"#blocked\">Blocked pairs (%2)</a>"
                              "<a href=\"#warnings\">Warnings (%3)</a>%4</nav>\n"
                              "</div></header>\n")
                   .arg(meta.join(QStringLiteral(" · ")))
                   .arg(s.blockedPairs)
                   .arg(m_r.warnings.size())
                   .arg(appendixLinks());
    }

    QString appendixLinks() const
    {
        QString links;
        for (const ReportAppendix &a : m_r.appendices)
            links += QStringLiteral("<a href=\"#appendix-%1\">%2</a>").arg(esc(a.id), esc(a.title));
        return links;
    }

    // The owner of each appendix rendered and escaped its body: it goes in as it is.
    void appendices()
    {
        for (const ReportAppendix &a : m_r.appendices)
            m_o += QStringLiteral("<section id=\"appendix-%1\">\n<h2>%2</h2>\n%3</section>\n")
                       .arg(esc(a.id), esc(a.title), a.html);
    }

    void card(const char *cls, qsizetype n, const QString &label)
    {
        m_o += QStringLiteral("<div class=\"card %1\"><span class=\"num\">%2</span>"
                              "<span class=\"label\">%3</span></div>")
                   .arg(QLatin1String(cls))
                   .arg(n)
                   .arg(label);
    }

    void summary()
    {
        const ReportSummary &s = m_r.summary;
        const VerdictCounts &v = s.verdicts;
        m_o += QStringLiteral("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">");
        card("blocked", v.blocked, QStringLiteral("✗ blocked"));
        card("warning", v.warning, QStringLiteral("⚠ exposed, with warnings"));
        card("exposed", v.exposed, QStringLiteral("✓ exposed"));
        card("na", v.notApplicable, QStringLiteral("not CORS (same-origin, no-cors…)"));
        card("unknown", v.unknown, QStringLiteral("? cannot judge"));
        m_o += QStringLiteral("</div>\n");
        const qsizetype total = v.total();
        m_o += QStringLiteral("<div class=\"bar\" title=\"%1 blocked, %2 with warnings, %3 "
                              "exposed, %4 not CORS, %5 cannot judge\">")
                   .arg(v.blocked)
                   .arg(v.warning)
                   .arg(v.exposed)
                   .arg(v.notApplicable)
                   .arg(v.unknown);
        const std::pair<const char *, qsizetype> segments[] = {{"blocked", v.blocked},
                                                               {"warning", v.warning},
                                                               {"exposed", v.exposed},
                                                               {"na", v.notApplicable},
                                                               {"unknown", v.unknown}};
        for (const auto &[cls, n] : segments) {
            if (n > 0)
                m_o += QStringLiteral("<span class=\"%1\" style=\"width:%2%\"></span>")
                           .arg(QLatin1String(cls), percent(n, total));
        }
        m_o += QStringLiteral("</div>\n<p class=\"muted\">%1 distinct blocked %2 (a preflight "
                              "and its request count once).</p>\n")
                   .arg(s.blockedPairs)
                   .arg(QLatin1String(s.blockedPairs == 1 ? "pair" : "pairs"));

        originsTable();
        m_o += QStringLiteral("<div class=\"grid2\"><div>\n");
        errorsTable(QStringLiteral("Errors (blocked exchanges)"), s.errors, true);
        if (!s.errorsWithCredentials.isEmpty())
            errorsTable(QStringLiteral("Blocked only if the page sends credentials"),
                        s.errorsWithCredentials, false);
        m_o += QStringLiteral("</div><div>\n");
        kindsTable();
        m_o += QStringLiteral("</div></div>\n");
        endpointsTable();
        m_o += QStringLiteral("</section>\n");
    }

    void originsTable()
    {
        m_o += QStringLiteral(
            "<div class=\"caption\">Origins</div>\n<table><thead><tr><th>Origin</th>"
            "<th class=\"n\">Exchanges</th><th class=\"n\">✗ Blocked</th><th class=\"n\">⚠ "
            "Warning</th><th class=\"n\">✓ Exposed</th><th class=\"n\">Not CORS</th>"
            "<th class=\"n\">Cannot judge</th></tr></thead><tbody>\n");
        for (const OriginCounts &o : m_r.summary.origins) {
            const VerdictCounts &v = o.verdicts;
            m_o += QStringLiteral("<tr><td class=\"url\">%1</td><td class=\"n\">%2</td>"
                                  "<td class=\"n\">%3</td><td class=\"n\">%4</td>"
                                  "<td class=\"n\">%5</td><td class=\"n\">%6</td>"
                                  "<td class=\"n\">%7</td></tr>\n")
                       .arg(originText(o.origin), QString::number(v.total()),
                            QString::number(v.blocked), QString::number(v.warning),
                            QString::number(v.exposed), QString::number(v.notApplicable),
                            QString::number(v.unknown));
        }
        if (m_r.summary.origins.isEmpty())
            m_o +=
                QStringLiteral("<tr><td colspan=\"7\" class=\"muted\">No exchanges.</td></tr>\n");
        m_o += QStringLiteral("</tbody></table>\n");
    }

    // The first pair shown in full with this error, to jump to.
    qint64 firstPairWith(cors::CorsError error) const
    {
        for (const PairView &p : m_r.blockedPairs) {
            if (p.explanation.error == error)
                return p.selectedId;
        }
        return 0;
    }

    void errorsTable(const QString &caption, const QList<ErrorCount> &errors, bool linkPairs)
    {
        m_o += QStringLiteral("<div class=\"caption\">%1</div>\n<table><thead><tr>"
                              "<th>CorsError</th><th class=\"n\">Exchanges</th></tr></thead>"
                              "<tbody>\n")
                   .arg(esc(caption));
        for (const ErrorCount &e : errors) {
            const QString name = esc(cors::corsErrorName(e.error));
            const qint64 first = linkPairs ? firstPairWith(e.error) : 0;
            m_o +=
                QStringLiteral("<tr><td><code>%1</code></td><td class=\"n\">%2</td></tr>\n")
                    .arg(first
                             ? QStringLiteral("<a href=\"#%1\">%2</a>").arg(pairAnchor(first), name)
                             : name)
                    .arg(e.exchanges);
        }
        if (errors.isEmpty())
            m_o += QStringLiteral("<tr><td colspan=\"2\" class=\"muted\">Nothing was "
                                  "blocked.</td></tr>\n");
        m_o += QStringLiteral("</tbody></table>\n");
    }

    void kindsTable()
    {
        m_o += QStringLiteral("<div class=\"caption\">Kinds</div>\n<table><thead><tr><th>Kind</th>"
                              "<th class=\"n\">Exchanges</th></tr></thead><tbody>\n");
        for (const KindCount &k : m_r.summary.kinds)
            m_o += QStringLiteral("<tr><td>%1</td><td class=\"n\">%2</td></tr>\n")
                       .arg(esc(session::exchangeKindName(k.kind)))
                       .arg(k.exchanges);
        if (m_r.summary.kinds.isEmpty())
            m_o +=
                QStringLiteral("<tr><td colspan=\"2\" class=\"muted\">No exchanges.</td></tr>\n");
        m_o += QStringLiteral("</tbody></table>\n");
    }

    QString idLink(qint64 id) const
    {
        const auto pair = m_pairOf.constFind(id);
        if (pair != m_pairOf.cend())
            return QStringLiteral("<a href=\"#%1\">#%2</a>").arg(pairAnchor(pair.value())).arg(id);
        return QStringLiteral("#%1").arg(id);
    }

    void endpointsTable()
    {
        if (m_r.blockedEndpoints.isEmpty())
            return;
        constexpr qsizetype kShown = 25;
        m_o += QStringLiteral("<div class=\"caption\">Where to fix: blocked requests by origin, "
                              "endpoint and error</div>\n<table><thead><tr><th>Origin</th>"
                              "<th>Request</th><th>Error</th><th class=\"n\">Pairs</th>"
                              "<th class=\"n\">First</th></tr></thead><tbody>\n");
        for (qsizetype i = 0; i < m_r.blockedEndpoints.size() && i < kShown; ++i) {
            const BlockedEndpoint &e = m_r.blockedEndpoints.at(i);
            m_o += QStringLiteral("<tr><td class=\"url\">%1</td><td class=\"url\"><code>%2 %3"
                                  "</code></td><td><code>%4</code></td><td class=\"n\">%5</td>"
                                  "<td class=\"n\">%6</td></tr>\n")
                       .arg(originText(e.origin), esc(e.method), esc(e.endpoint),
                            esc(cors::corsErrorName(e.error)), QString::number(e.pairs),
                            idLink(e.firstId));
        }
        m_o += QStringLiteral("</tbody></table>\n");
        if (m_r.blockedEndpoints.size() > kShown)
            m_o += QStringLiteral("<p class=\"muted\">%1 more in the JSON report.</p>\n")
                       .arg(m_r.blockedEndpoints.size() - kShown);
    }

    void blockedPairs()
    {
        m_o += QStringLiteral("<section id=\"blocked\">\n<h2>Blocked pairs</h2>\n");
        if (m_r.blockedPairEntries.isEmpty()) {
            m_o += QStringLiteral("<p class=\"empty\">✓ Nothing was blocked under %1.</p>\n")
                       .arg(esc(m_r.summary.profileDisplayName));
        }
        for (qsizetype i = 0; i < m_r.blockedPairs.size(); ++i)
            pair(m_r.blockedPairs.at(i), m_r.blockedPairEntries.at(i));
        morePairs();
        m_o += QStringLiteral("</section>\n");
    }

    void pair(const PairView &p, const BlockedPairEntry &entry)
    {
        const Explanation &e = p.explanation;
        const PairSide &request = p.actual.present ? p.actual : p.preflight;
        QStringList ids;
        if (entry.preflightId)
            ids << QStringLiteral("preflight #%1").arg(entry.preflightId);
        if (entry.actualId)
            ids << QStringLiteral("request #%1").arg(entry.actualId);
        m_o += QStringLiteral("<article class=\"pair\" id=\"%1\">\n<div class=\"head\"><h3>"
                              "<span class=\"badge blocked\">✗ BLOCKED</span><code>%2</code></h3>\n"
                              "<p class=\"sub\"><span class=\"req\">%3</span></p>\n"
                              "<p class=\"sub\">from %4 · %5</p></div>\n")
                   .arg(pairAnchor(p.selectedId), esc(cors::corsErrorName(e.error)),
                        esc(request.requestLine()), originText(entry.origin),
                        esc(ids.join(QStringLiteral(", "))));
        m_o += QStringLiteral("<div class=\"sides\">\n");
        side(p.preflight);
        side(p.actual);
        m_o += QStringLiteral("</div>\n");
        explanation(e);
        m_o += QStringLiteral("</article>\n");
    }

    static QString annotation(Mark mark, bool decisive, const QByteArray &expected, bool missing,
                              const QString &note)
    {
        QStringList words;
        if (mark != Mark::None)
            words << QStringLiteral("<span class=\"ann %1\">%2 %1</span>")
                         .arg(markWord(mark), markSymbol(mark));
        if (decisive)
            words << QStringLiteral("<span class=\"ann failed\">decided the verdict</span>");
        if (!expected.isEmpty())
            words << QStringLiteral("<span class=\"ann\">%1 <code>%2</code></span>")
                         .arg(missing ? QStringLiteral("add:") : QStringLiteral("should be:"),
                              esc(expected));
        if (!note.isEmpty())
            words << QStringLiteral("<span class=\"ann note\">%1</span>").arg(esc(note));
        return words.isEmpty() ? QString()
                               : QStringLiteral("   ") + words.join(QStringLiteral(" · "));
    }

    void line(const QString &dir, const QString &text, const QStringList &classes,
              const QString &ann)
    {
        m_o += QStringLiteral("<div class=\"l %1\"><span class=\"dir\">%2 </span>"
                              "<span class=\"t\">%3</span>%4</div>\n")
                   .arg(classes.join(QLatin1Char(' ')), dir, text, ann);
    }

    void headerLine(const QString &dir, const HeaderLine &h)
    {
        QStringList classes;
        if (h.decisive)
            classes << QStringLiteral("decisive");
        else if (h.cors)
            classes << QStringLiteral("cors");
        if (h.missing)
            classes << QStringLiteral("missing");
        line(dir, esc(h.text()), classes,
             annotation(h.mark, h.decisive, h.expected, h.missing, h.note));
    }

    void side(const PairSide &s)
    {
        m_o += QStringLiteral("<div class=\"side\"><div class=\"side-title\">%1</div>\n")
                   .arg(esc(s.title));
        if (!s.present) {
            QString reason = esc(s.absentReason);
            if (s.referencedId > 0)
                reason.replace(QStringLiteral("#%1").arg(s.referencedId), idLink(s.referencedId));
            m_o += QStringLiteral("<p class=\"absent\">%1</p></div>\n").arg(reason);
            return;
        }
        const QString out = QStringLiteral("→");
        const QString in = QStringLiteral("←");
        m_o += QStringLiteral("<div class=\"lines\">\n");
        line(out, esc(s.requestLine()), {QStringLiteral("emph")}, {});
        for (const HeaderLine &h : s.requestHeaders)
            headerLine(out, h);
        m_o += QStringLiteral("<div class=\"gap\"></div>\n");
        const StatusLine &st = s.status;
        QByteArray expected;
        if (st.expected)
            expected = QByteArray::number(*st.expected);
        line(in, esc(st.text()),
             {st.decisive ? QStringLiteral("decisive") : QStringLiteral("emph")},
             annotation(st.mark, st.decisive, expected, false, {}));
        for (const HeaderLine &h : s.responseHeaders)
            headerLine(in, h);
        m_o += QStringLiteral("</div></div>\n");
    }

    void explanation(const Explanation &e)
    {
        m_o += QStringLiteral("<div class=\"explain\">\n<p class=\"summary-line\"><strong>%1"
                              "</strong> %2</p>\n")
                   .arg(esc(e.headline), esc(e.summary));
        if (!e.checks.isEmpty()) {
            m_o += QStringLiteral("<h4>Checks, in %1's order</h4>\n<ol class=\"checks\">\n")
                       .arg(esc(e.profileName));
            for (const ExplainedCheck &c : e.checks) {
                m_o += QStringLiteral("<li class=\"%1\"><span class=\"m\">%2</span>"
                                      "<a href=\"%3\">%4</a> <span class=\"phase\">(%5)</span> "
                                      "<span class=\"sentence\">%6</span></li>\n")
                           .arg(c.ok ? QStringLiteral("ok") : QStringLiteral("failed"),
                                c.ok ? QStringLiteral("✓") : QStringLiteral("✗"), esc(c.specUrl),
                                esc(c.stepName), esc(c.phaseName), esc(c.sentence));
            }
            m_o += QStringLiteral("</ol>\n");
        }
        if (!e.browserTexts.isEmpty()) {
            m_o += QStringLiteral("<h4>What the browsers print</h4>\n<dl class=\"texts\">\n");
            for (const BrowserText &t : e.browserTexts) {
                QString text = QStringLiteral("<code>%1</code>").arg(esc(t.text));
                if (!t.url.isEmpty())
                    text += QStringLiteral(" <a href=\"%1\">MDN</a>").arg(esc(t.url));
                m_o += QStringLiteral("<dt>%1</dt><dd%2>%3</dd>\n")
                           .arg(esc(t.label),
                                t.current ? QStringLiteral(" class=\"current\"") : QString(), text);
            }
            m_o += QStringLiteral("</dl>\n");
        }
        if (!e.fixHeaderLines.isEmpty()) {
            m_o += QStringLiteral("<h4>Fix (server)%1</h4>\n<pre class=\"fix\">%2</pre>\n")
                       .arg(e.fixCondition.isEmpty()
                                ? QString()
                                : QStringLiteral(" <span class=\"fixcond\">%1</span>")
                                      .arg(esc(e.fixCondition)),
                            esc(e.fixText()));
        }
        if (!e.fixSteps.isEmpty()) {
            m_o += QStringLiteral("<ol>\n");
            for (const QString &step : e.fixSteps)
                m_o += QStringLiteral("<li>%1</li>\n").arg(esc(step));
            m_o += QStringLiteral("</ol>\n");
        }
        if (!e.clientAlternative.isEmpty())
            m_o += QStringLiteral("<p><strong>Or on the page:</strong> %1</p>\n")
                       .arg(esc(e.clientAlternative));
        if (!e.warnings.isEmpty()) {
            m_o += QStringLiteral("<h4>Warnings</h4>\n<ul class=\"warns\">\n");
            for (const ExplainedWarning &w : e.warnings)
                m_o += QStringLiteral("<li><span class=\"badge %1\">%1</span>%2</li>\n")
                           .arg(severityName(w.severity), esc(w.text));
            m_o += QStringLiteral("</ul>\n");
        }
        if (!e.notes.isEmpty()) {
            m_o += QStringLiteral("<details><summary>How this exchange was classified and "
                                  "judged</summary><ul>\n");
            for (const QString &note : e.notes)
                m_o += QStringLiteral("<li>%1</li>\n").arg(esc(note));
            m_o += QStringLiteral("</ul></details>\n");
        }
        m_o += QStringLiteral("</div>\n");
    }

    void morePairs()
    {
        const qsizetype more = m_r.morePairs();
        if (more <= 0)
            return;
        const qsizetype listed = std::min(more, kHtmlMaxListedPairs);
        m_o += QStringLiteral("<h3 id=\"more-pairs\">%1 more blocked pairs</h3>\n"
                              "<p class=\"muted\">Past the first %2 shown in full%3.</p>\n"
                              "<table><thead><tr><th class=\"n\">#</th><th>Request</th>"
                              "<th>Origin</th><th class=\"n\">Status</th><th>Error</th></tr>"
                              "</thead><tbody>\n")
                   .arg(more)
                   .arg(m_r.blockedPairs.size())
                   .arg(listed < more ? QStringLiteral("; the first %1 listed here, all of them "
                                                       "in the JSON report")
                                            .arg(listed)
                                      : QString());
        for (qsizetype i = 0; i < listed; ++i) {
            const BlockedPairEntry &e = m_r.blockedPairEntries.at(m_r.blockedPairs.size() + i);
            m_o += QStringLiteral("<tr><td class=\"n\">%1</td><td class=\"url\"><code>%2 %3</code>"
                                  "</td><td class=\"url\">%4</td><td class=\"n\">%5</td>"
                                  "<td><code>%6</code></td></tr>\n")
                       .arg(e.id)
                       .arg(esc(e.method), esc(e.url), originText(e.origin),
                            e.status ? QString::number(e.status) : QStringLiteral("–"),
                            esc(cors::corsErrorName(e.error)));
        }
        m_o += QStringLiteral("</tbody></table>\n");
    }

    void warnings()
    {
        m_o += QStringLiteral("<section id=\"warnings\">\n<h2>Warnings</h2>\n");
        if (m_r.warnings.isEmpty())
            m_o += QStringLiteral("<p class=\"empty\">No warnings.</p>\n");
        for (const WarningGroup &g : m_r.warnings)
            warningGroup(g);
        m_o += QStringLiteral("</section>\n");
    }

    void warningGroup(const WarningGroup &g)
    {
        bool sameText = true;
        for (const WarningOccurrence &o : g.occurrences)
            sameText = sameText && o.text == g.occurrences.first().text;
        m_o += QStringLiteral("<article class=\"wgroup\" id=\"warning-%1\"><div class=\"head\"><h3>"
                              "<span class=\"badge %2\">⚠ %2</span>%3</h3>\n<p class=\"sub\">%4"
                              "</p></div>\n<div class=\"body\">\n")
                   .arg(esc(g.name), severityName(g.severity), esc(g.title),
                        plural(g.exchanges, "exchange", "exchanges"));
        if (sameText && !g.occurrences.isEmpty())
            m_o += QStringLiteral("<p>%1</p>\n").arg(esc(g.occurrences.first().text));
        m_o += QStringLiteral("<table><thead><tr><th class=\"n\">#</th><th>Request</th>%1</tr>"
                              "</thead><tbody>\n")
                   .arg(sameText ? QString() : QStringLiteral("<th>Detail</th>"));
        for (const WarningOccurrence &o : g.occurrences) {
            m_o += QStringLiteral("<tr><td class=\"n\">%1</td><td class=\"url\"><code>%2 %3</code>"
                                  "</td>%4</tr>\n")
                       .arg(idLink(o.id), esc(o.method), esc(o.url),
                            sameText ? QString() : QStringLiteral("<td>%1</td>").arg(esc(o.text)));
        }
        m_o += QStringLiteral("</tbody></table>\n");
        if (g.exchanges > g.occurrences.size())
            m_o += QStringLiteral("<p class=\"muted\">and %1 more.</p>\n")
                       .arg(g.exchanges - g.occurrences.size());
        m_o += QStringLiteral("</div></article>\n");
    }

    const SessionReport &m_r;
    QHash<qint64, qint64> m_pairOf; ///< exchange id -> the id of the full pair showing it
    QString m_o;
};

} // namespace

const char *reportStyleSheet()
{
    return kStyle;
}

QByteArray renderReportHtml(const SessionReport &report)
{
    return HtmlWriter(report).render();
}

} // namespace corslab::report
