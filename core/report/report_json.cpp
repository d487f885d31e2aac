#include "report_json.h"

#include "session_report.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

namespace corslab::report {

namespace {

// Capture bytes as Latin-1 text, one character per byte, as in the session file.
QJsonValue bytes(const QByteArray &b)
{
    return QString::fromLatin1(b);
}

QJsonValue idOrNull(qint64 id)
{
    return id > 0 ? QJsonValue(id) : QJsonValue(QJsonValue::Null);
}

QJsonValue time(qint64 ms)
{
    if (ms <= 0)
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

QJsonObject verdictCounts(const VerdictCounts &v)
{
    return {{QStringLiteral("exposed"), qint64(v.exposed)},
            {QStringLiteral("warning"), qint64(v.warning)},
            {QStringLiteral("blocked"), qint64(v.blocked)},
            {QStringLiteral("unknown"), qint64(v.unknown)},
            {QStringLiteral("notApplicable"), qint64(v.notApplicable)},
            {QStringLiteral("total"), qint64(v.total())}};
}

QJsonArray errorCounts(const QList<ErrorCount> &errors)
{
    QJsonArray out;
    for (const ErrorCount &e : errors)
        out.append(QJsonObject{{QStringLiteral("error"), cors::corsErrorName(e.error)},
                               {QStringLiteral("exchanges"), qint64(e.exchanges)}});
    return out;
}

QJsonObject summaryJson(const ReportSummary &s)
{
    QJsonArray origins;
    for (const OriginCounts &o : s.origins) {
        QJsonObject counts = verdictCounts(o.verdicts);
        counts.insert(QStringLiteral("origin"),
                      o.origin.isEmpty() ? QJsonValue(QJsonValue::Null) : bytes(o.origin));
        origins.append(counts);
    }
    QJsonArray kinds;
    for (const KindCount &k : s.kinds)
        kinds.append(QJsonObject{{QStringLiteral("kind"), session::exchangeKindName(k.kind)},
                                 {QStringLiteral("exchanges"), qint64(k.exchanges)}});
    return {{QStringLiteral("exchanges"), qint64(s.exchanges)},
            {QStringLiteral("failed"), qint64(s.failed)},
            {QStringLiteral("firstStartedAt"), time(s.firstStartedAtMs)},
            {QStringLiteral("lastFinishedAt"), time(s.lastFinishedAtMs)},
            {QStringLiteral("verdicts"), verdictCounts(s.verdicts)},
            {QStringLiteral("origins"), origins},
            {QStringLiteral("errors"), errorCounts(s.errors)},
            {QStringLiteral("errorsWithCredentials"), errorCounts(s.errorsWithCredentials)},
            {QStringLiteral("kinds"), kinds},
            {QStringLiteral("blockedPairs"), qint64(s.blockedPairs)}};
}

QJsonObject headerJson(const HeaderLine &h)
{
    QJsonObject o{{QStringLiteral("name"), bytes(h.name)}};
    o.insert(QStringLiteral("value"), h.missing ? QJsonValue(QJsonValue::Null) : bytes(h.value));
    if (h.cors)
        o.insert(QStringLiteral("cors"), true);
    if (h.missing)
        o.insert(QStringLiteral("missing"), true);
    if (h.decisive)
        o.insert(QStringLiteral("decisive"), true);
    if (h.mark != Mark::None)
        o.insert(QStringLiteral("mark"), markWord(h.mark));
    if (!h.expected.isEmpty())
        o.insert(QStringLiteral("expected"), bytes(h.expected));
    if (!h.note.isEmpty())
        o.insert(QStringLiteral("note"), h.note);
    return o;
}

QJsonArray headersJson(const QList<HeaderLine> &lines)
{
    QJsonArray out;
    for (const HeaderLine &h : lines)
        out.append(headerJson(h));
    return out;
}

QJsonObject sideJson(const PairSide &s)
{
    if (!s.present)
        return {{QStringLiteral("present"), false},
                {QStringLiteral("title"), s.title},
                {QStringLiteral("absentReason"), s.absentReason},
                {QStringLiteral("referencedId"), idOrNull(s.referencedId)}};
    QJsonObject status{{QStringLiteral("received"), s.status.received},
                       {QStringLiteral("status"), s.status.status},
                       {QStringLiteral("reason"), bytes(s.status.reason)}};
    if (!s.status.error.isEmpty())
        status.insert(QStringLiteral("error"), s.status.error);
    if (s.status.decisive)
        status.insert(QStringLiteral("decisive"), true);
    if (s.status.mark != Mark::None)
        status.insert(QStringLiteral("mark"), markWord(s.status.mark));
    if (s.status.expected)
        status.insert(QStringLiteral("expected"), *s.status.expected);
    return {{QStringLiteral("present"), true},
            {QStringLiteral("id"), s.id},
            {QStringLiteral("kind"), session::exchangeKindName(s.kind)},
            {QStringLiteral("title"), s.title},
            {QStringLiteral("method"), bytes(s.method)},
            {QStringLiteral("url"), bytes(s.url)},
            {QStringLiteral("requestHeaders"), headersJson(s.requestHeaders)},
            {QStringLiteral("response"), status},
            {QStringLiteral("responseHeaders"), headersJson(s.responseHeaders)}};
}

QJsonObject fixJson(const Explanation &e)
{
    QJsonArray targets;
    for (const FixTarget &t : e.fixTargets) {
        QJsonArray removes;
        for (const QByteArray &name : t.removeNames)
            removes.append(bytes(name));
        targets.append(QJsonObject{
            {QStringLiteral("title"), t.title},
            {QStringLiteral("preflight"), t.preflight},
            {QStringLiteral("status"), t.status ? QJsonValue(*t.status) : QJsonValue::Null},
            {QStringLiteral("headerLines"), QJsonArray::fromStringList(t.headerLines)},
            {QStringLiteral("remove"), removes}});
    }
    return {{QStringLiteral("condition"),
             e.fixCondition.isEmpty() ? QJsonValue(QJsonValue::Null) : e.fixCondition},
            {QStringLiteral("complete"), e.fix ? e.fix->complete : false},
            {QStringLiteral("targets"), targets},
            {QStringLiteral("lines"), QJsonArray::fromStringList(e.fixHeaderLines)},
            {QStringLiteral("steps"), QJsonArray::fromStringList(e.fixSteps)},
            {QStringLiteral("clientAlternative"),
             e.clientAlternative.isEmpty() ? QJsonValue(QJsonValue::Null) : e.clientAlternative}};
}

QJsonObject explanationJson(const Explanation &e)
{
    QJsonArray checks;
    for (const ExplainedCheck &c : e.checks)
        checks.append(QJsonObject{{QStringLiteral("step"), c.stepName},
                                  {QStringLiteral("phase"), c.phaseName},
                                  {QStringLiteral("ok"), c.ok},
                                  {QStringLiteral("explanation"), c.sentence},
                                  {QStringLiteral("spec"), c.specUrl}});
    QJsonArray texts;
    for (const BrowserText &t : e.browserTexts) {
        QJsonObject o{{QStringLiteral("label"), t.label},
                      {QStringLiteral("text"), t.text},
                      {QStringLiteral("current"), t.current}};
        if (!t.url.isEmpty())
            o.insert(QStringLiteral("url"), t.url);
        texts.append(o);
    }
    QJsonArray warnings;
    for (const ExplainedWarning &w : e.warnings)
        warnings.append(QJsonObject{{QStringLiteral("severity"), severityName(w.severity)},
                                    {QStringLiteral("text"), w.text}});
    return {{QStringLiteral("headline"), e.headline},
            {QStringLiteral("summary"), e.summary},
            {QStringLiteral("checks"), checks},
            {QStringLiteral("browserTexts"), texts},
            {QStringLiteral("fix"), e.fix ? QJsonValue(fixJson(e)) : QJsonValue::Null},
            {QStringLiteral("warnings"), warnings},
            {QStringLiteral("notes"), QJsonArray::fromStringList(e.notes)}};
}

QJsonObject entryJson(const BlockedPairEntry &e)
{
    return {{QStringLiteral("id"), e.id},
            {QStringLiteral("preflightId"), idOrNull(e.preflightId)},
            {QStringLiteral("actualId"), idOrNull(e.actualId)},
            {QStringLiteral("kind"), session::exchangeKindName(e.kind)},
            {QStringLiteral("method"), bytes(e.method)},
            {QStringLiteral("url"), bytes(e.url)},
            {QStringLiteral("origin"),
             e.origin.isEmpty() ? QJsonValue(QJsonValue::Null) : bytes(e.origin)},
            {QStringLiteral("status"), e.status},
            {QStringLiteral("error"), cors::corsErrorName(e.error)}};
}

QJsonObject pairJson(const PairView &p, const BlockedPairEntry &entry)
{
    QJsonObject o = entryJson(entry);
    o.insert(QStringLiteral("preflight"), sideJson(p.preflight));
    o.insert(QStringLiteral("actual"), sideJson(p.actual));
    o.insert(QStringLiteral("explanation"), explanationJson(p.explanation));
    return o;
}

QJsonArray appendicesJson(const QList<ReportAppendix> &appendices)
{
    QJsonArray out;
    for (const ReportAppendix &a : appendices)
        out.append(QJsonObject{{QStringLiteral("id"), a.id},
                               {QStringLiteral("title"), a.title},
                               {QStringLiteral("content"), a.json}});
    return out;
}

} // namespace

QJsonObject reportToJson(const SessionReport &r)
{
    QJsonArray pairs;
    for (qsizetype i = 0; i < r.blockedPairs.size(); ++i)
        pairs.append(pairJson(r.blockedPairs.at(i), r.blockedPairEntries.at(i)));
    QJsonArray more;
    for (qsizetype i = r.blockedPairs.size(); i < r.blockedPairEntries.size(); ++i)
        more.append(entryJson(r.blockedPairEntries.at(i)));
    QJsonArray endpoints;
    for (const BlockedEndpoint &e : r.blockedEndpoints)
        endpoints.append(
            QJsonObject{{QStringLiteral("origin"),
                         e.origin.isEmpty() ? QJsonValue(QJsonValue::Null) : bytes(e.origin)},
                        {QStringLiteral("method"), bytes(e.method)},
                        {QStringLiteral("endpoint"), bytes(e.endpoint)},
                        {QStringLiteral("error"), cors::corsErrorName(e.error)},
                        {QStringLiteral("pairs"), qint64(e.pairs)},
                        {QStringLiteral("firstId"), e.firstId}});
    QJsonArray warnings;
    for (const WarningGroup &g : r.warnings) {
        QJsonArray occurrences;
        for (const WarningOccurrence &o : g.occurrences)
            occurrences.append(QJsonObject{{QStringLiteral("id"), o.id},
                                           {QStringLiteral("method"), bytes(o.method)},
                                           {QStringLiteral("url"), bytes(o.url)},
                                           {QStringLiteral("text"), o.text}});
        warnings.append(QJsonObject{{QStringLiteral("kind"), g.name},
                                    {QStringLiteral("title"), g.title},
                                    {QStringLiteral("severity"), severityName(g.severity)},
                                    {QStringLiteral("exchanges"), qint64(g.exchanges)},
                                    {QStringLiteral("occurrences"), occurrences}});
    }
    QJsonObject out{{QStringLiteral("format"), QStringLiteral("corslab-report")},
                    {QStringLiteral("version"), kReportFormatVersion},
                    {QStringLiteral("generatedBy"), r.generatedBy},
                    {QStringLiteral("generatedAt"),
                     r.generatedAt.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"))},
                    {QStringLiteral("profile"), r.summary.profile},
                    {QStringLiteral("summary"), summaryJson(r.summary)},
                    {QStringLiteral("blockedEndpoints"), endpoints},
                    {QStringLiteral("blockedPairs"), pairs},
                    {QStringLiteral("moreBlockedPairs"), more},
                    {QStringLiteral("warnings"), warnings}};
    // Only when the app added sections: a report without them reads as it always did.
    if (!r.appendices.isEmpty())
        out.insert(QStringLiteral("appendices"), appendicesJson(r.appendices));
    return out;
}

QByteArray renderReportJson(const SessionReport &report)
{
    return QJsonDocument(reportToJson(report)).toJson(QJsonDocument::Indented);
}

} // namespace corslab::report
