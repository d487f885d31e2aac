// JUnit XML through QXmlStreamWriter, which escapes <, & and quotes in attributes and text.
#include "junit_writer.h"

#include <QXmlStreamWriter>

namespace corslab::check {

namespace {

// A case whose time is not known gets no time attribute.
constexpr qint64 kUnknownDuration = -1;

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'f', 3);
}

CaseResult resultAt(const QList<CaseResult> &results, qsizetype i)
{
    if (i < results.size())
        return results.at(i);
    CaseResult missing;
    missing.outcome = CaseOutcome::Error;
    missing.reasons << QStringLiteral("the case was not run");
    return missing;
}

QString detail(const CaseResult &r)
{
    QString text = r.reasons.join(QLatin1Char('\n'));
    if (!r.fix.isEmpty())
        text += QStringLiteral("\nfix: ") + r.fix;
    return text;
}

void writeCase(QXmlStreamWriter &xml, const QString &suite, const ContractCase &c,
               const CaseResult &r, qint64 ms)
{
    xml.writeStartElement(QStringLiteral("testcase"));
    xml.writeAttribute(QStringLiteral("name"), c.name);
    xml.writeAttribute(QStringLiteral("classname"), suite + QLatin1Char('.') + c.browser);
    if (ms != kUnknownDuration)
        xml.writeAttribute(QStringLiteral("time"), seconds(ms));
    if (!r.passed()) {
        const bool error = r.outcome == CaseOutcome::Error;
        xml.writeStartElement(error ? QStringLiteral("error") : QStringLiteral("failure"));
        xml.writeAttribute(QStringLiteral("message"), r.reasons.join(QStringLiteral("; ")));
        xml.writeAttribute(QStringLiteral("type"), error ? QStringLiteral("NetworkFailure")
                                                         : QStringLiteral("CorsContract"));
        xml.writeCharacters(detail(r));
        xml.writeEndElement();
    }
    xml.writeEndElement();
}

} // namespace

QByteArray junitXml(const QString &suiteName, const QList<ContractCase> &cases,
                    const QList<CaseResult> &results, const QList<qint64> &durationsMs)
{
    qsizetype failures = 0;
    qsizetype errors = 0;
    qint64 totalMs = 0;
    for (qsizetype i = 0; i < cases.size(); ++i) {
        const CaseResult r = resultAt(results, i);
        failures += r.outcome == CaseOutcome::Failed;
        errors += r.outcome == CaseOutcome::Error;
        totalMs += i < durationsMs.size() ? durationsMs.at(i) : 0;
    }
    QByteArray out;
    QXmlStreamWriter xml(&out);
    xml.setAutoFormatting(true);
    xml.writeStartDocument();
    xml.writeStartElement(QStringLiteral("testsuite"));
    xml.writeAttribute(QStringLiteral("name"), suiteName);
    xml.writeAttribute(QStringLiteral("tests"), QString::number(cases.size()));
    xml.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    xml.writeAttribute(QStringLiteral("errors"), QString::number(errors));
    xml.writeAttribute(QStringLiteral("skipped"), QStringLiteral("0"));
    if (!durationsMs.isEmpty())
        xml.writeAttribute(QStringLiteral("time"), seconds(totalMs));
    for (qsizetype i = 0; i < cases.size(); ++i) {
        const qint64 ms = i < durationsMs.size() ? durationsMs.at(i) : kUnknownDuration;
        writeCase(xml, suiteName, cases.at(i), resultAt(results, i), ms);
    }
    xml.writeEndElement();
    xml.writeEndDocument();
    return out;
}

} // namespace corslab::check
