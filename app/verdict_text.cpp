#include "verdict_text.h"

#include "base/header_list.h"

#include <QJsonArray>
#include <QStringList>
#include <QTextStream>
#include <QUrl>

namespace {

// Two columns fit an 80-column terminal when a head line is cut at this width.
constexpr int kColumnWidth = 48;

QStringList requestLines(const corslab::session::CapturedExchange &x)
{
    QStringList lines;
    const QUrl url(QString::fromUtf8(x.url));
    QString target = url.path(QUrl::FullyEncoded);
    if (target.isEmpty())
        target = QStringLiteral("/");
    if (url.hasQuery())
        target += QLatin1Char('?') + url.query(QUrl::FullyEncoded);
    lines << QStringLiteral("%1 %2 HTTP/1.1").arg(QString::fromLatin1(x.method), target);
    for (const auto &[name, value] : x.requestHeaders)
        lines << QString::fromLatin1(name + ": " + value);
    return lines;
}

QStringList responseLines(const corslab::session::CapturedExchange &x)
{
    QStringList lines;
    if (x.status != 0) {
        lines << QStringLiteral("HTTP/1.1 %1 %2").arg(x.status).arg(QString::fromLatin1(x.reason));
        for (const auto &[name, value] : x.responseHeaders)
            lines << QString::fromLatin1(name + ": " + value);
    }
    if (!x.error.isEmpty())
        lines << QStringLiteral("(%1)").arg(x.error);
    return lines;
}

// Long lines of the left column continue on the next lines (indented), so nothing is cut.
QStringList wrapped(const QStringList &lines)
{
    QStringList out;
    for (const QString &line : lines) {
        out << line.left(kColumnWidth);
        for (qsizetype at = kColumnWidth; at < line.size(); at += kColumnWidth - 2)
            out << QStringLiteral("  ") + line.mid(at, kColumnWidth - 2);
    }
    return out;
}

} // namespace

void printVerdictText(const QJsonObject &v, QTextStream &out)
{
    out << v.value(QStringLiteral("summary")).toString() << "\n\n";
    int n = 1;
    for (const auto &c : v.value(QStringLiteral("checks")).toArray()) {
        const QJsonObject check = c.toObject();
        out << (check.value(QStringLiteral("ok")).toBool() ? "  ✓ " : "  ✗ ") << n++ << ' '
            << check.value(QStringLiteral("step")).toString() << " ["
            << check.value(QStringLiteral("phase")).toString() << "]\n      "
            << check.value(QStringLiteral("explanation")).toString() << '\n';
        if (check.value(QStringLiteral("fix")).isString())
            out << "      Fix: " << check.value(QStringLiteral("fix")).toString() << '\n';
    }
    const QJsonObject fix = v.value(QStringLiteral("fix")).toObject();
    if (!fix.isEmpty())
        out << "\nFix: " << fix.value(QStringLiteral("summary")).toString() << '\n';
    const QJsonObject client = fix.value(QStringLiteral("client")).toObject();
    if (!client.isEmpty())
        out << "Page-side: " << client.value(QStringLiteral("summary")).toString() << '\n';
    const QJsonObject messages = v.value(QStringLiteral("messages")).toObject();
    if (!messages.isEmpty()) {
        out << "\nChrome console:  " << messages.value(QStringLiteral("chromium")).toString()
            << '\n';
        if (!messages.value(QStringLiteral("firefox")).toString().isEmpty())
            out << "Firefox reason:  " << messages.value(QStringLiteral("firefox")).toString()
                << '\n';
        if (!messages.value(QStringLiteral("safari")).toString().isEmpty())
            out << "Safari console:  " << messages.value(QStringLiteral("safari")).toString()
                << '\n';
    }
    const QJsonArray warnings = v.value(QStringLiteral("warnings")).toArray();
    if (!warnings.isEmpty()) {
        out << "\nWarnings:\n";
        for (const auto &w : warnings)
            out << "  ! " << w.toString() << '\n';
    }
}

void printExchangesSideBySide(const QList<corslab::session::CapturedExchange> &exchanges,
                              QTextStream &out)
{
    for (const corslab::session::CapturedExchange &x : exchanges) {
        const bool preflight =
            x.method == "OPTIONS" &&
            corslab::base::containsHeader(x.requestHeaders, "access-control-request-method");
        out << (preflight ? "── preflight " : "── request ") << QString(60, QChar(0x2500)) << '\n';
        const QStringList left = wrapped(requestLines(x));
        const QStringList right = responseLines(x);
        for (qsizetype i = 0; i < std::max(left.size(), right.size()); ++i)
            out << (i < left.size() ? left.at(i) : QString()).leftJustified(kColumnWidth) << " │ "
                << (i < right.size() ? right.at(i) : QString()) << '\n';
    }
    out << '\n';
}
