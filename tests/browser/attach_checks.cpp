#include "attach_checks.h"

#include "report/har_export.h"
#include "report/har_import.h"
#include "session/session_json.h"

#include <QBuffer>
#include <QDebug>
#include <QHash>
#include <QRegularExpression>
#include <QUrl>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {

QString caseOf(const QByteArray &url)
{
    static const QRegularExpression re(QStringLiteral("/case/([^/]+)/"));
    const QRegularExpressionMatch m = re.match(QString::fromUtf8(url));
    return m.hasMatch() ? m.captured(1) : QString();
}

QString pathOf(const QByteArray &url)
{
    const QUrl u(QString::fromUtf8(url));
    return u.path(QUrl::FullyEncoded) +
           (u.hasQuery() ? QLatin1Char('?') + u.query(QUrl::FullyEncoded) : QString());
}

QString disagreement(const QString &browser, const QString &id, const session::ExchangeRow &row,
                     const session::CapturedExchange &x)
{
    const session::BrowserReport &b = *x.browserReport;
    const QString said = b.corsError.isEmpty() ? QStringLiteral("no CORS error")
                         : b.failedParameter.isEmpty()
                             ? b.corsError
                             : b.corsError + u" ("_s + b.failedParameter + u')';
    return QStringLiteral("%1 (#%2 %3 %4): %5 says %6, CORS Lab says %7 %8")
        .arg(id)
        .arg(row.id)
        .arg(QString::fromLatin1(row.method), QString::fromUtf8(row.url), browser, said,
             session::verdictStateName(row.verdict.state), row.errorName());
}

void dumpIfAsked(const QString &id, const session::ExchangeRow &row,
                 const session::CapturedExchange &x)
{
    if (!qEnvironmentVariableIsSet("CORSLAB_DUMP_CASE") ||
        id != qEnvironmentVariable("CORSLAB_DUMP_CASE"))
        return;
    QStringList heads;
    for (const auto &h : x.requestHeaders)
        heads.append(QString::fromLatin1(h.first + ": " + h.second));
    qInfo() << row.id << row.method << row.url << int(row.kind) << int(row.pairing) << x.startedAtMs
            << x.finishedAtMs << row.status << heads;
}

// Both ways: each request the servers saw is in the session as often, and nothing else is.
QStringList countMismatches(const QHash<QString, int> &logged, const QHash<QString, int> &captured)
{
    QStringList missing;
    for (auto it = logged.cbegin(); it != logged.cend(); ++it)
        if (captured.value(it.key()) != it.value())
            missing.append(QStringLiteral("%1: the server saw %2, the session holds %3")
                               .arg(it.key())
                               .arg(it.value())
                               .arg(captured.value(it.key())));
    for (auto it = captured.cbegin(); it != captured.cend(); ++it)
        if (!logged.contains(it.key()))
            missing.append(QStringLiteral("%1: in the session %2 times, never on the server")
                               .arg(it.key())
                               .arg(it.value()));
    return missing;
}

} // namespace

AttachFindings checkAttachedCapture(const session::Session &session,
                                    const QList<BrowserObservation> &observations,
                                    const QString &browser)
{
    QHash<QString, int> logged; // "case METHOD path" -> count
    QHash<QString, int> captured;
    for (const BrowserObservation &o : observations)
        for (const ObservedRequest &r : o.requests)
            ++logged[o.id + u' ' + r.method + u' ' + r.path];
    AttachFindings f;
    for (qsizetype i = 0; i < session.count(); ++i) {
        const session::ExchangeRow row = session.row(i);
        const QString id = caseOf(row.url);
        if (id.isEmpty())
            continue;
        const session::CapturedExchange x = session.exchange(i);
        dumpIfAsked(id, row, x);
        const bool sent = !(x.browserReport && x.browserReport->notSent);
        if (sent && row.status != 0)
            ++captured[id + u' ' + QString::fromLatin1(row.method) + u' ' + pathOf(row.url)];
        if (row.kind == session::ExchangeKind::Preflight &&
            row.pairing == session::PairingState::None)
            f.unpaired.append(
                QStringLiteral("#%1 %2 %3").arg(row.id).arg(id, QString::fromUtf8(row.url)));
        f.withBody += x.responseBody.stored.isEmpty() ? 0 : 1;
        if (row.browserAgreement() == session::BrowserAgreement::Disagrees)
            f.disagreements.append(disagreement(browser, id, row, x));
        else if (row.browserAgreement() == session::BrowserAgreement::Agrees)
            ++f.judgedByBoth;
    }
    f.missing = countMismatches(logged, captured);
    return f;
}

QString browserReportRoundTripFailure(const session::Session &session)
{
    QString error;
    QBuffer file;
    file.open(QIODevice::WriteOnly);
    session::Session reread;
    if (!session::writeSession(session, &file, &error) ||
        !session::readSession(file.data(), &reread, &error))
        return u"session file: "_s + error;
    QBuffer har;
    har.open(QIODevice::WriteOnly);
    QList<session::CapturedExchange> fromHar;
    if (!report::writeHar(session, &har, &error) || !report::readHar(har.data(), &fromHar, &error))
        return u"HAR: "_s + error;
    if (reread.count() != session.count() || fromHar.size() != session.count())
        return QStringLiteral("%1 exchanges, %2 read back from the session file, %3 from HAR")
            .arg(session.count())
            .arg(reread.count())
            .arg(fromHar.size());
    for (qsizetype i = 0; i < session.count(); ++i) {
        const session::CapturedExchange x = session.exchange(i);
        if (reread.exchange(i).browserReport != x.browserReport ||
            fromHar.at(i).browserReport != x.browserReport || fromHar.at(i).source != x.source ||
            reread.row(i).browserAgreement() != session.row(i).browserAgreement())
            return QStringLiteral("exchange #%1: the browser's report changed on the way")
                .arg(session.row(i).id);
    }
    return {};
}
