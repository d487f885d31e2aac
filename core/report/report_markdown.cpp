#include "report_markdown.h"

#include "markdown_text.h"
#include "session_report.h"

#include <QTimeZone>

namespace corslab::report {

namespace {

QString annotation(Mark mark, bool decisive, const QByteArray &expected, bool missing,
                   const QString &note)
{
    QStringList words;
    if (mark != Mark::None)
        words << markSymbol(mark) + QLatin1Char(' ') + markWord(mark);
    if (decisive)
        words << QStringLiteral("decided the verdict");
    if (!expected.isEmpty())
        words << (missing ? QStringLiteral("add: ") : QStringLiteral("should be: ")) +
                     QString::fromLatin1(expected);
    if (!note.isEmpty())
        words << note;
    return words.isEmpty() ? QString()
                           : QStringLiteral("    # ") + words.join(QStringLiteral(" · "));
}

// The side as an HTTP-ish block: request line and headers, a blank line, status and headers,
// each annotated after a "#" as the app shows it next to the line.
QStringList sideLines(const PairSide &s)
{
    QStringList lines;
    lines << s.requestLine();
    for (const HeaderLine &h : s.requestHeaders)
        lines << h.text() + annotation(h.mark, h.decisive, h.expected, h.missing, h.note);
    lines << QString();
    QByteArray expected;
    if (s.status.expected)
        expected = QByteArray::number(*s.status.expected);
    lines << s.status.text() +
                 annotation(s.status.mark, s.status.decisive, expected, false, QString());
    for (const HeaderLine &h : s.responseHeaders)
        lines << h.text() + annotation(h.mark, h.decisive, h.expected, h.missing, h.note);
    return lines;
}

QString plural(qsizetype n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

QString originCell(const QByteArray &origin)
{
    return origin.isEmpty() ? QStringLiteral("(no Origin)") : markdownText(origin);
}

class MarkdownWriter
{
public:
    explicit MarkdownWriter(const SessionReport &report) : m_r(report) {}

    QByteArray render()
    {
        const ReportSummary &s = m_r.summary;
        m_o += QStringLiteral("# CORS report: %1, judged as %2\n\n")
                   .arg(plural(s.exchanges, "exchange", "exchanges"),
                        markdownText(s.profileDisplayName));
        QStringList meta;
        if (s.firstStartedAtMs > 0)
            meta << QStringLiteral("Captured %1 to %2 UTC")
                        .arg(time(s.firstStartedAtMs),
                             time(std::max(s.lastFinishedAtMs, s.firstStartedAtMs)));
        meta << QStringLiteral("generated %1 by %2")
                    .arg(m_r.generatedAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")),
                         markdownText(m_r.generatedBy.isEmpty() ? QStringLiteral("CORS Lab")
                                                                : m_r.generatedBy));
        m_o += meta.join(QStringLiteral(", ")) + QStringLiteral(".\n\n");
        summary();
        pairs();
        warnings();
        appendices();
        return m_o.toUtf8();
    }

private:
    static QString time(qint64 ms)
    {
        return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }

    void summary()
    {
        const ReportSummary &s = m_r.summary;
        const VerdictCounts &v = s.verdicts;
        m_o += QStringLiteral("## Summary\n\n| Verdict | Exchanges |\n| --- | ---: |\n");
        m_o += QStringLiteral("| ✗ blocked | %1 |\n| ⚠ exposed, with warnings | %2 |\n"
                              "| ✓ exposed | %3 |\n| not CORS | %4 |\n| cannot judge | %5 |\n"
                              "| **total** | **%6** |\n\n")
                   .arg(QString::number(v.blocked), QString::number(v.warning),
                        QString::number(v.exposed), QString::number(v.notApplicable),
                        QString::number(v.unknown), QString::number(v.total()));
        m_o += QStringLiteral("%1 distinct blocked %2 (a preflight and its request count once)")
                   .arg(QString::number(s.blockedPairs),
                        s.blockedPairs == 1 ? QStringLiteral("pair") : QStringLiteral("pairs"));
        if (s.failed > 0)
            m_o += QStringLiteral("; %1").arg(
                plural(s.failed, "transport failure", "transport failures"));
        m_o += QStringLiteral(".\n\n");

        m_o += QStringLiteral("| Origin | Exchanges | ✗ Blocked | ⚠ Warning | ✓ Exposed | Not "
                              "CORS | Cannot judge |\n| --- | ---: | ---: | ---: | ---: | ---: | "
                              "---: |\n");
        for (const OriginCounts &o : s.origins) {
            const VerdictCounts &c = o.verdicts;
            m_o += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 |\n")
                       .arg(originCell(o.origin), QString::number(c.total()),
                            QString::number(c.blocked), QString::number(c.warning),
                            QString::number(c.exposed), QString::number(c.notApplicable),
                            QString::number(c.unknown));
        }
        m_o += QLatin1Char('\n');
        if (!s.errors.isEmpty()) {
            m_o += QStringLiteral("| CorsError | Blocked exchanges |\n| --- | ---: |\n");
            for (const ErrorCount &e : s.errors)
                m_o += QStringLiteral("| `%1` | %2 |\n")
                           .arg(cors::corsErrorName(e.error), QString::number(e.exchanges));
            m_o += QLatin1Char('\n');
        }
        if (!s.errorsWithCredentials.isEmpty()) {
            m_o +=
                QStringLiteral("| Blocked only with credentials | Exchanges |\n| --- | ---: |\n");
            for (const ErrorCount &e : s.errorsWithCredentials)
                m_o += QStringLiteral("| `%1` | %2 |\n")
                           .arg(cors::corsErrorName(e.error), QString::number(e.exchanges));
            m_o += QLatin1Char('\n');
        }
    }

    void pairs()
    {
        m_o += QStringLiteral("## Blocked pairs\n\n");
        if (m_r.blockedPairEntries.isEmpty()) {
            m_o += QStringLiteral("Nothing was blocked under %1.\n\n")
                       .arg(markdownText(m_r.summary.profileDisplayName));
            return;
        }
        for (qsizetype i = 0; i < m_r.blockedPairs.size(); ++i)
            pair(i + 1, m_r.blockedPairs.at(i), m_r.blockedPairEntries.at(i));
        morePairs();
    }

    void pair(qsizetype number, const PairView &p, const BlockedPairEntry &entry)
    {
        const Explanation &e = p.explanation;
        const PairSide &request = p.actual.present ? p.actual : p.preflight;
        m_o += QStringLiteral("### %1. ✗ %2: %3\n\n")
                   .arg(QString::number(number), cors::corsErrorName(e.error),
                        markdownText(request.requestLine()));
        QStringList ids;
        if (entry.preflightId)
            ids << QStringLiteral("preflight #%1").arg(entry.preflightId);
        if (entry.actualId)
            ids << QStringLiteral("request #%1").arg(entry.actualId);
        m_o += QStringLiteral("From %1 (%2). %3\n\n")
                   .arg(entry.origin.isEmpty() ? QStringLiteral("no Origin")
                                               : markdownCode(entry.origin),
                        ids.join(QStringLiteral(", ")), markdownText(e.summary));
        for (const PairSide *s : {&p.preflight, &p.actual}) {
            m_o += QStringLiteral("**%1**").arg(markdownText(s->title));
            if (!s->present) {
                m_o += QStringLiteral(": %1\n\n").arg(markdownText(s->absentReason));
                continue;
            }
            m_o += QStringLiteral("\n\n") + markdownFence(sideLines(*s), QStringLiteral("http")) +
                   QLatin1Char('\n');
        }
        for (const ExplainedCheck &c : e.checks) {
            if (!c.ok)
                m_o += QStringLiteral("✗ **%1** (%2): %3 [Fetch](%4)\n\n")
                           .arg(markdownText(c.stepName), markdownText(c.phaseName),
                                markdownText(c.sentence), c.specUrl);
        }
        if (e.failsWithCredentials)
            m_o += QStringLiteral("⚠ With credentials: **%1**: %2\n\n")
                       .arg(markdownText(e.failsWithCredentials->stepName),
                            markdownText(e.failsWithCredentials->sentence));
        for (const BrowserText &t : e.browserTexts)
            m_o += QStringLiteral("> %1: %2\n>\n").arg(markdownText(t.label), markdownCode(t.text));
        if (!e.browserTexts.isEmpty()) {
            m_o.chop(2);
            m_o += QLatin1Char('\n');
        }
        if (!e.fixHeaderLines.isEmpty()) {
            m_o += QStringLiteral("**Fix (server)%1:**\n\n")
                       .arg(e.fixCondition.isEmpty()
                                ? QString()
                                : QStringLiteral(", ") + markdownText(e.fixCondition));
            m_o += markdownFence(e.fixHeaderLines, QStringLiteral("http")) + QLatin1Char('\n');
        }
        for (const QString &step : e.fixSteps)
            m_o += QStringLiteral("- %1\n").arg(markdownText(step));
        if (!e.fixSteps.isEmpty())
            m_o += QLatin1Char('\n');
        if (!e.clientAlternative.isEmpty())
            m_o += QStringLiteral("Or on the page: %1\n\n").arg(markdownText(e.clientAlternative));
    }

    void morePairs()
    {
        const qsizetype more = m_r.morePairs();
        if (more <= 0)
            return;
        const qsizetype listed = std::min(more, kMarkdownMaxListedPairs);
        m_o += QStringLiteral("### %1 more blocked pairs\n\n").arg(QString::number(more));
        if (listed < more)
            m_o += QStringLiteral("The first %1, all of them in the JSON report:\n\n")
                       .arg(QString::number(listed));
        m_o +=
            QStringLiteral("| # | Request | Origin | Status | Error |\n| ---: | --- | --- | ---: "
                           "| --- |\n");
        for (qsizetype i = 0; i < listed; ++i) {
            const BlockedPairEntry &e = m_r.blockedPairEntries.at(m_r.blockedPairs.size() + i);
            m_o += QStringLiteral("| %1 | %2 %3 | %4 | %5 | `%6` |\n")
                       .arg(QString::number(e.id), markdownText(e.method), markdownText(e.url),
                            originCell(e.origin),
                            e.status ? QString::number(e.status) : QStringLiteral("–"),
                            cors::corsErrorName(e.error));
        }
        m_o += QLatin1Char('\n');
    }

    void warnings()
    {
        m_o += QStringLiteral("## Warnings\n\n");
        if (m_r.warnings.isEmpty()) {
            m_o += QStringLiteral("No warnings.\n");
            return;
        }
        for (const WarningGroup &g : m_r.warnings) {
            m_o += QStringLiteral("### ⚠ %1 (%2, %3)\n\n")
                       .arg(markdownText(g.title), severityName(g.severity),
                            plural(g.exchanges, "exchange", "exchanges"));
            // A ticket needs the pattern, not every instance: the JSON report lists them.
            constexpr qsizetype kListed = 20;
            const qsizetype listed = std::min(kListed, g.occurrences.size());
            for (qsizetype i = 0; i < listed; ++i) {
                const WarningOccurrence &o = g.occurrences.at(i);
                m_o += QStringLiteral("- #%1 %2 %3: %4\n")
                           .arg(QString::number(o.id), markdownText(o.method), markdownText(o.url),
                                markdownText(o.text));
            }
            if (g.exchanges > listed)
                m_o += QStringLiteral("- and %1 more\n").arg(QString::number(g.exchanges - listed));
            m_o += QLatin1Char('\n');
        }
    }

    // The owner of each appendix wrote its body in Markdown: it goes in as it is.
    void appendices()
    {
        for (const ReportAppendix &a : m_r.appendices)
            m_o += QStringLiteral("\n## %1\n\n%2").arg(markdownText(a.title), a.markdown);
    }

    const SessionReport &m_r;
    QString m_o;
};

} // namespace

QByteArray renderReportMarkdown(const SessionReport &report)
{
    return MarkdownWriter(report).render();
}

} // namespace corslab::report
