// JUnit XML: well formed, the counts CI servers read, and reasons escaped.
#include "check/junit_writer.h"

#include <QXmlStreamReader>
#include <QtTest>

using namespace corslab;

namespace {

check::ContractCase namedCase(const QString &name, const QString &browser)
{
    check::ContractCase c;
    c.name = name;
    c.browser = browser;
    return c;
}

check::CaseResult result(check::CaseOutcome outcome, const QStringList &reasons,
                         const QString &fix = {})
{
    check::CaseResult r;
    r.outcome = outcome;
    r.reasons = reasons;
    r.fix = fix;
    return r;
}

/// What a reader finds in the XML: the suite's counts and each case's name and child.
struct Parsed
{
    QXmlStreamAttributes suite;
    QStringList caseNames;
    QStringList classNames;
    QStringList times;
    QStringList kinds; ///< "", "failure" or "error", per case
    QStringList messages;
    QStringList texts;
    QString error;
};

Parsed parse(const QByteArray &xml)
{
    Parsed p;
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        const QString name = reader.name().toString();
        if (name == QLatin1String("testsuite")) {
            p.suite = reader.attributes();
        } else if (name == QLatin1String("testcase")) {
            p.caseNames << reader.attributes().value(QStringLiteral("name")).toString();
            p.classNames << reader.attributes().value(QStringLiteral("classname")).toString();
            p.times << reader.attributes().value(QStringLiteral("time")).toString();
            p.kinds << QString();
        } else if (name == QLatin1String("failure") || name == QLatin1String("error")) {
            p.kinds.last() = name;
            p.messages << reader.attributes().value(QStringLiteral("message")).toString();
            p.texts << reader.readElementText();
        }
    }
    if (reader.hasError())
        p.error = reader.errorString();
    return p;
}

} // namespace

class TestJunit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsAndEscaping()
    {
        const QString nasty = QStringLiteral("expected <exposed> & \"readable\", got 'blocked'");
        const QList<check::ContractCase> cases = {
            namedCase(QStringLiteral("GET /a from https://app <ok> [chromium]"),
                      QStringLiteral("chromium")),
            namedCase(QStringLiteral("PUT /a & \"b\" [firefox]"), QStringLiteral("firefox")),
            namedCase(QStringLiteral("GET /down [safari]"), QStringLiteral("safari")),
            namedCase(QStringLiteral("two reasons [chromium]"), QStringLiteral("chromium")),
        };
        const QList<check::CaseResult> results = {
            result(check::CaseOutcome::Passed, {}),
            result(check::CaseOutcome::Failed, {nasty}, QStringLiteral("Add <Vary> & go")),
            result(check::CaseOutcome::Error, {QStringLiteral("connection refused")}),
            result(check::CaseOutcome::Failed, {QStringLiteral("first"), QStringLiteral("second")}),
        };
        const QByteArray xml =
            check::junitXml(QStringLiteral("api <contract>"), cases, results, {1500, 20, 3, 0});
        const Parsed p = parse(xml);
        QVERIFY2(p.error.isEmpty(),
                 qPrintable(p.error + QLatin1Char('\n') + QString::fromUtf8(xml)));
        QCOMPARE(p.suite.value(QStringLiteral("name")), QStringLiteral("api <contract>"));
        QCOMPARE(p.suite.value(QStringLiteral("tests")), QStringLiteral("4"));
        QCOMPARE(p.suite.value(QStringLiteral("failures")), QStringLiteral("2"));
        QCOMPARE(p.suite.value(QStringLiteral("errors")), QStringLiteral("1"));
        QCOMPARE(p.suite.value(QStringLiteral("time")), QStringLiteral("1.523"));
        QCOMPARE(p.caseNames.size(), 4);
        QCOMPARE(p.caseNames.at(0), cases.at(0).name);
        QCOMPARE(p.caseNames.at(1), cases.at(1).name);
        QCOMPARE(p.classNames.at(1), QStringLiteral("api <contract>.firefox"));
        QCOMPARE(p.times.at(0), QStringLiteral("1.500"));
        QCOMPARE(p.kinds, QStringList({QString(), QStringLiteral("failure"),
                                       QStringLiteral("error"), QStringLiteral("failure")}));
        QCOMPARE(p.messages.at(0), nasty);
        QCOMPARE(p.texts.at(0), nasty + QStringLiteral("\nfix: Add <Vary> & go"));
        QCOMPARE(p.messages.at(1), QStringLiteral("connection refused"));
        QCOMPARE(p.messages.at(2), QStringLiteral("first; second"));
        QCOMPARE(p.texts.at(2), QStringLiteral("first\nsecond"));
        // The raw text escapes what XML needs escaped.
        QVERIFY(xml.contains("&lt;exposed&gt; &amp; &quot;readable&quot;"));
    }

    void emptyRunAndMissingResults()
    {
        Parsed p = parse(check::junitXml(QStringLiteral("empty"), {}, {}));
        QVERIFY(p.error.isEmpty());
        QCOMPARE(p.suite.value(QStringLiteral("tests")), QStringLiteral("0"));
        QVERIFY(!p.suite.hasAttribute(QStringLiteral("time")));
        // A case without a result did not run: an error, never a silent pass.
        p = parse(check::junitXml(QStringLiteral("short"),
                                  {namedCase(QStringLiteral("a"), QStringLiteral("chromium"))},
                                  {}));
        QCOMPARE(p.suite.value(QStringLiteral("errors")), QStringLiteral("1"));
        QCOMPARE(p.kinds, QStringList{QStringLiteral("error")});
        QVERIFY(p.times.first().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJunit)
#include "tst_junit.moc"
