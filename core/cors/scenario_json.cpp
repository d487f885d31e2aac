#include "scenario_json.h"

#include "base/json_reader.h"
#include "browser_profile.h"
#include "fetch_rules.h"
#include "headers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace corslab::cors {

namespace {

class Reader : public base::JsonReader
{
public:
    using JsonReader::JsonReader;

    bool response(const QJsonValue &v, const QString &field, ResponseSpec *out, bool mustRedirect)
    {
        if (!v.isObject())
            return fail(
                field,
                QStringLiteral("an object {\"status\": 200, \"headers\": [[name, value], ...]}"),
                v);
        const QJsonObject o = v.toObject();
        if (!checkKeys(o, field,
                       {QStringLiteral("status"), QStringLiteral("headers"),
                        QStringLiteral("statusText"), QStringLiteral("body")}))
            return false;
        const QJsonValue status = o.value(QStringLiteral("status"));
        if (!status.isUndefined()) {
            const double s = status.toDouble(-1);
            if (!status.isDouble() || s != static_cast<int>(s) || s < 100 || s > 599)
                return fail(field + QStringLiteral(".status"),
                            QStringLiteral("an HTTP status code from 100 to 599"), status);
            out->status = static_cast<int>(s);
        }
        if (!headerList(o.value(QStringLiteral("headers")), field + QStringLiteral(".headers"),
                        &out->headers))
            return false;
        if (mustRedirect) {
            if (!isRedirectStatus(out->status))
                return failText(
                    field + QStringLiteral(".status"),
                    QStringLiteral("expected a redirect status (301, 302, 303, 307 or 308), "
                                   "got %1; put the final response in \"response\"")
                        .arg(out->status));
            if (!containsHeader(out->headers, "location"))
                return failText(field + QStringLiteral(".headers"),
                                QStringLiteral("expected a Location header: a redirect needs one"));
        }
        return true;
    }
};

} // namespace

bool scenarioFromJson(const QJsonObject &json, Scenario *out, QString *error)
{
    Reader r(error);
    Scenario s;
    if (!r.checkKeys(json, QString(),
                     {QStringLiteral("browser"), QStringLiteral("request"),
                      QStringLiteral("preflight"), QStringLiteral("redirects"),
                      QStringLiteral("response"), QStringLiteral("name"),
                      QStringLiteral("comment")}))
        return false;
    const QJsonValue browser = json.value(QStringLiteral("browser"));
    if (!browser.isUndefined()) {
        if (!browser.isString() || !BrowserProfile::byName(browser.toString()))
            return r.fail(QStringLiteral("browser"),
                          QStringLiteral("one of \"%1\"")
                              .arg(BrowserProfile::names().join(QStringLiteral("\", \""))),
                          browser);
        s.browser = browser.toString();
    }

    const QJsonValue requestValue = json.value(QStringLiteral("request"));
    if (!requestValue.isObject())
        return r.fail(QStringLiteral("request"),
                      QStringLiteral("an object with at least \"url\" and \"origin\""),
                      requestValue);
    const QJsonObject request = requestValue.toObject();
    if (!r.checkKeys(request, QStringLiteral("request"),
                     {QStringLiteral("url"), QStringLiteral("origin"), QStringLiteral("method"),
                      QStringLiteral("headers"), QStringLiteral("credentials"),
                      QStringLiteral("mode"), QStringLiteral("redirect")}))
        return false;

    const QJsonValue url = request.value(QStringLiteral("url"));
    if (!url.isString())
        return r.fail(
            QStringLiteral("request.url"),
            QStringLiteral("an absolute URL string such as \"http://localhost:8081/items\""), url);
    s.setUrl(QUrl(url.toString(), QUrl::StrictMode));
    if (!s.url().isValid() || s.url().isRelative() || s.url().host().isEmpty())
        return r.fail(
            QStringLiteral("request.url"),
            QStringLiteral("an absolute URL with a host, such as \"http://localhost:8081/items\""),
            url);

    const QJsonValue origin = request.value(QStringLiteral("origin"));
    if (!origin.isString())
        return r.fail(
            QStringLiteral("request.origin"),
            QStringLiteral(
                "the page's origin as a string, such as \"http://127.0.0.1:8080\", or \"null\""),
            origin);
    QString originError;
    if (!Origin::parse(origin.toString(), &s.origin, &originError))
        return r.failText(QStringLiteral("request.origin"), originError);

    const QJsonValue method = request.value(QStringLiteral("method"));
    if (!method.isUndefined()) {
        if (!method.isString() || !isHttpToken(method.toString().toLatin1()) ||
            method.toString().toLatin1() != method.toString().toUtf8())
            return r.fail(QStringLiteral("request.method"),
                          QStringLiteral("an HTTP method token such as \"GET\" or \"PUT\""),
                          method);
        s.method = method.toString().toLatin1();
    }
    if (!r.headerList(request.value(QStringLiteral("headers")), QStringLiteral("request.headers"),
                      &s.headers))
        return false;
    if (!r.choice(request.value(QStringLiteral("credentials")),
                  QStringLiteral("request.credentials"),
                  {{QStringLiteral("omit"), CredentialsMode::Omit},
                   {QStringLiteral("same-origin"), CredentialsMode::SameOrigin},
                   {QStringLiteral("include"), CredentialsMode::Include}},
                  &s.credentials) ||
        !r.choice(request.value(QStringLiteral("mode")), QStringLiteral("request.mode"),
                  {{QStringLiteral("cors"), RequestMode::Cors},
                   {QStringLiteral("no-cors"), RequestMode::NoCors},
                   {QStringLiteral("same-origin"), RequestMode::SameOrigin}},
                  &s.mode) ||
        !r.choice(request.value(QStringLiteral("redirect")), QStringLiteral("request.redirect"),
                  {{QStringLiteral("follow"), RedirectMode::Follow},
                   {QStringLiteral("manual"), RedirectMode::Manual},
                   {QStringLiteral("error"), RedirectMode::Error}},
                  &s.redirect))
        return false;

    const QJsonValue preflight = json.value(QStringLiteral("preflight"));
    if (!preflight.isUndefined() && !preflight.isNull()) {
        ResponseSpec pf;
        if (!r.response(preflight, QStringLiteral("preflight"), &pf, false))
            return false;
        s.preflight = pf;
    }
    const QJsonValue redirects = json.value(QStringLiteral("redirects"));
    if (!redirects.isUndefined() && !redirects.isNull()) {
        if (!redirects.isArray())
            return r.fail(QStringLiteral("redirects"),
                          QStringLiteral("an array of redirect responses, in order"), redirects);
        const QJsonArray list = redirects.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            ResponseSpec hop;
            if (!r.response(list.at(i), QStringLiteral("redirects[%1]").arg(i), &hop, true))
                return false;
            s.redirects.append(hop);
        }
    }
    const QJsonValue response = json.value(QStringLiteral("response"));
    if (response.isUndefined())
        return r.failText(QStringLiteral("response"),
                          QStringLiteral("missing: expected the final response, an object "
                                         "{\"status\": 200, \"headers\": [[name, value], ...]}"));
    if (!r.response(response, QStringLiteral("response"), &s.response, false))
        return false;
    *out = s;
    return true;
}

bool scenarioFromJsonText(const QByteArray &text, Scenario *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Line and column help more than a byte offset in a hand-written file.
        const qsizetype offset = parseError.offset;
        const int line = static_cast<int>(text.left(offset).count('\n')) + 1;
        const int column = static_cast<int>(offset - text.left(offset).lastIndexOf('\n'));
        *error = QStringLiteral("invalid JSON at line %1, column %2: %3")
                     .arg(line)
                     .arg(column)
                     .arg(parseError.errorString());
        return false;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral(
            "expected a JSON object {\"request\": ..., \"response\": ...} at the top level");
        return false;
    }
    return scenarioFromJson(doc.object(), out, error);
}

QJsonArray headerListToJson(const HeaderList &headers)
{
    QJsonArray out;
    for (const Header &h : headers)
        out.append(QJsonArray{QString::fromLatin1(h.first), QString::fromLatin1(h.second)});
    return out;
}

static QJsonObject responseToJson(const ResponseSpec &r)
{
    return QJsonObject{{QStringLiteral("status"), r.status},
                       {QStringLiteral("headers"), headerListToJson(r.headers)}};
}

QJsonObject scenarioToJson(const Scenario &s)
{
    QJsonObject request{{QStringLiteral("url"), s.url().toString()},
                        {QStringLiteral("origin"), QString::fromLatin1(s.origin.serialize())},
                        {QStringLiteral("method"), QString::fromLatin1(s.method)},
                        {QStringLiteral("headers"), headerListToJson(s.headers)},
                        {QStringLiteral("credentials"), credentialsModeName(s.credentials)},
                        {QStringLiteral("mode"), requestModeName(s.mode)},
                        {QStringLiteral("redirect"), redirectModeName(s.redirect)}};
    QJsonObject out{{QStringLiteral("browser"), s.browser}, {QStringLiteral("request"), request}};
    if (s.preflight)
        out.insert(QStringLiteral("preflight"), responseToJson(*s.preflight));
    if (!s.redirects.isEmpty()) {
        QJsonArray redirects;
        for (const ResponseSpec &r : s.redirects)
            redirects.append(responseToJson(r));
        out.insert(QStringLiteral("redirects"), redirects);
    }
    out.insert(QStringLiteral("response"), responseToJson(s.response));
    return out;
}

} // namespace corslab::cors
