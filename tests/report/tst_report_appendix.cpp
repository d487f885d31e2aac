// A section added to the session report by a module above `report` (the app's last audit):
// each writer places the body its owner rendered, after the warnings, and escapes only what it
// writes itself (the title); a report without appendices reads as it always did.
#include "report/report_html.h"
#include "report/report_json.h"
#include "report/report_markdown.h"
#include "report/session_report.h"
#include "session/session.h"

#include <QJsonArray>
#include <QtTest>

using namespace corslab;
using namespace corslab::report;

namespace {

const QString kTitle = QStringLiteral("Audit of <api> & co");

ReportAppendix appendix()
{
    ReportAppendix a;
    a.id = QStringLiteral("audit");
    a.title = kTitle;
    a.html = QStringLiteral("<p class=\"finding\">reflect-any-origin</p>\n");
    a.css = QStringLiteral(".finding{font-weight:bold}\n");
    a.markdown = QStringLiteral("### reflect-any-origin\n\nAny origin is trusted.\n");
    a.json = QJsonObject{{QStringLiteral("findings"), 1}};
    return a;
}

} // namespace

class TestReportAppendix : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void htmlPlacesTheFragmentAfterTheWarnings()
    {
        SessionReport r;
        QVERIFY(buildSessionReport(m_empty, &r) == ReportStatus::Complete);
        r.appendices.append(appendix());
        const QString html = QString::fromUtf8(renderReportHtml(r));
        const qsizetype section = html.indexOf(QStringLiteral("<section id=\"appendix-audit\">"));
        QVERIFY2(section > html.indexOf(QStringLiteral("<section id=\"warnings\">")),
                 qPrintable(html));
        QVERIFY(html.indexOf(QStringLiteral("<p class=\"finding\">reflect-any-origin</p>")) >
                section);
        QVERIFY(html.contains(QStringLiteral("<h2>Audit of &lt;api&gt; &amp; co</h2>")));
        QVERIFY(html.contains(QStringLiteral("<a href=\"#appendix-audit\">")));
        // The fragment's rules go into the page's one style sheet (the CSP allows no other).
        const qsizetype styleEnd = html.indexOf(QStringLiteral("</style>"));
        QVERIFY(html.indexOf(QStringLiteral(".finding{font-weight:bold}")) < styleEnd);
    }

    void markdownAddsTheSectionUnderItsTitle()
    {
        SessionReport r;
        QVERIFY(buildSessionReport(m_empty, &r) == ReportStatus::Complete);
        r.appendices.append(appendix());
        const QString md = QString::fromUtf8(renderReportMarkdown(r));
        const qsizetype heading = md.indexOf(QStringLiteral("## Audit of &lt;api&gt; &amp; co\n"));
        QVERIFY2(heading > md.indexOf(QStringLiteral("## Warnings")), qPrintable(md));
        QVERIFY(md.indexOf(QStringLiteral("### reflect-any-origin\n\nAny origin is trusted.")) >
                heading);
    }

    void jsonListsTheAppendicesOnlyWhenThereAreSome()
    {
        SessionReport r;
        QVERIFY(buildSessionReport(m_empty, &r) == ReportStatus::Complete);
        QVERIFY(!reportToJson(r).contains(QStringLiteral("appendices")));
        r.appendices.append(appendix());
        const QJsonArray appendices = reportToJson(r).value(QStringLiteral("appendices")).toArray();
        QCOMPARE(appendices.size(), 1);
        const QJsonObject a = appendices.first().toObject();
        QCOMPARE(a.value(QStringLiteral("id")).toString(), QStringLiteral("audit"));
        QCOMPARE(a.value(QStringLiteral("title")).toString(), kTitle);
        QCOMPARE(a.value(QStringLiteral("content")).toObject(), appendix().json);
    }

private:
    const session::Session m_empty;
};

QTEST_GUILESS_MAIN(TestReportAppendix)
#include "tst_report_appendix.moc"
