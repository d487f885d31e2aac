#include "playground_results.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;
using namespace corslab;

const QList<PageAction> &pageActions()
{
    static const QList<PageAction> actions = {
        {"simple-get", "GET", "/public", false, false},
        {"json-post", "POST", "/echo", false, false},
        {"put-custom-header", "PUT", "/echo", false, false},
        {"login", "POST", "/login", true, false},
        {"private-credentialed", "GET", "/private", true, false},
        {"private-plain", "GET", "/private", false, false},
        {"read-exposed-header", "GET", "/public", false, false},
        {"xhr-get", "GET", "/public", false, true},
        {"xhr-private-credentials", "GET", "/private", true, true},
        {"logout", "POST", "/logout", true, false},
    };
    return actions;
}

QStringList expectedActionIds()
{
    QStringList ids;
    for (const PageAction &action : pageActions())
        ids.append(QString::fromLatin1(action.id));
    return ids;
}

QStringList reportedActionIds(const QJsonArray &results)
{
    QStringList ids;
    for (const QJsonValue &result : results)
        ids.append(result.toObject().value(u"id"_s).toString());
    return ids;
}

QString yesNo(bool value)
{
    return value ? u"yes"_s : u"no"_s;
}

bool isPreflight(const http::HttpExchange &exchange)
{
    return exchange.request.method == "OPTIONS" &&
           exchange.request.header("access-control-request-method").has_value();
}

ActionExchanges matchAction(const QList<http::HttpExchange> &api, qsizetype *cursor,
                            const PageAction &action)
{
    ActionExchanges matched;
    qsizetype &next = *cursor;
    if (next < api.size() && isPreflight(api.at(next)) &&
        api.at(next).request.path() == action.path &&
        *api.at(next).request.header("access-control-request-method") == action.method)
        matched.preflight = next++;
    if (next < api.size() && api.at(next).request.method == action.method &&
        api.at(next).request.path() == action.path)
        matched.actual = next++;
    return matched;
}

std::optional<bool> readPostedResults(const http::HttpExchange &exchange, const QString &role,
                                      QJsonObject *report, QString *error)
{
    const http::HttpRequest &request = exchange.request;
    if (request.listener != role || request.method != "POST" || request.path() != "/__results")
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (!document.isObject()) {
        *error = u"the page posted results that are not a JSON object (%1): %2"_s.arg(
            parseError.errorString(), QString::fromUtf8(request.body.left(500)));
        return false;
    }
    *report = document.object();
    return true;
}

QString checkTable(const QList<CheckRow> &rows, const QString &subjectHeader,
                   std::array<qsizetype, 4> minimumWidths, bool notesOnOkRows)
{
    std::array<qsizetype, 4> widths = minimumWidths;
    for (const CheckRow &row : rows) {
        widths[0] = std::max(widths[0], row.subject.size());
        widths[1] = std::max(widths[1], row.check.size());
        widths[2] = std::max(widths[2], row.expected.size());
        widths[3] = std::max(widths[3], row.actual.size());
    }
    const auto line = [&widths](const QString &a, const QString &b, const QString &c,
                                const QString &d, const QString &e) {
        return u"  %1 | %2 | %3 | %4 | %5"_s.arg(a, -static_cast<int>(widths[0]))
            .arg(b, -static_cast<int>(widths[1]))
            .arg(c, -static_cast<int>(widths[2]))
            .arg(d, -static_cast<int>(widths[3]))
            .arg(e);
    };
    QStringList lines{line(subjectHeader, u"check"_s, u"expected"_s, u"actual"_s, QString())};
    for (const CheckRow &row : rows) {
        QString mark = row.ok ? u"ok"_s : u"MISMATCH"_s;
        if ((notesOnOkRows || !row.ok) && !row.note.isEmpty())
            mark += u"  ("_s + row.note + u')';
        lines.append(line(row.subject, row.check, row.expected, row.actual, mark));
    }
    return lines.join(u'\n');
}
