#include "fix_finder.h"

#include "cors_engine.h"
#include "fetch_rules.h"

namespace corslab::cors {

void HeaderPatch::setHeader(const QByteArray &name, const QByteArray &value)
{
    set.removeIf([&](const Header &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    remove.removeIf([&](const QByteArray &r) { return r.compare(name, Qt::CaseInsensitive) == 0; });
    set.append({name, value});
}

void HeaderPatch::merge(const HeaderPatch &later)
{
    if (later.status)
        status = later.status;
    for (const QByteArray &r : later.remove) {
        set.removeIf([&](const Header &h) { return h.first.compare(r, Qt::CaseInsensitive) == 0; });
        if (!remove.contains(r))
            remove.append(r);
    }
    for (const Header &h : later.set)
        setHeader(h.first, h.second);
}

void HeaderPatch::applyTo(ResponseSpec &response) const
{
    if (status)
        response.status = *status;
    auto drop = [&](const QByteArray &name) {
        response.headers.removeIf(
            [&](const Header &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    };
    for (const QByteArray &r : remove)
        drop(r);
    for (const Header &h : set) {
        drop(h.first);
        response.headers.append(h);
    }
}

void ClientChange::applyTo(Scenario &s) const
{
    if (url)
        s.setUrl(*url);
    if (skipRedirects)
        s.redirects.clear();
    if (method)
        s.method = *method;
    if (credentials)
        s.credentials = *credentials;
    if (mode)
        s.mode = *mode;
    if (redirect)
        s.redirect = *redirect;
}

QString Fix::summary() const
{
    return steps.join(QStringLiteral(" Then: "));
}

Scenario Fix::applyTo(const Scenario &scenario, bool withClient) const
{
    Scenario s = scenario;
    if (client && (withClient || client->required))
        client->applyTo(s);
    if (preflight) {
        if (!s.preflight)
            s.preflight = ResponseSpec{204, {}};
        preflight->applyTo(*s.preflight);
    }
    for (auto it = redirects.begin(); it != redirects.end(); ++it) {
        if (it.key() < s.redirects.size())
            it.value().applyTo(s.redirects[it.key()]);
    }
    if (response)
        response->applyTo(s.response);
    return s;
}

namespace {

// The values of a list header that are valid tokens, so a repaired list keeps what worked.
QList<QByteArray> validTokens(const HeaderList &headers, const QByteArray &name)
{
    QList<QByteArray> out;
    const std::optional<QList<QByteArray>> values = getDecodeAndSplit(headers, name);
    if (!values)
        return out;
    for (const QByteArray &v : *values) {
        if (isHttpToken(v) && !out.contains(v))
            out.append(v);
    }
    return out;
}

QByteArray joinList(const QList<QByteArray> &values)
{
    QByteArray out;
    for (const QByteArray &v : values)
        out += (out.isEmpty() ? "" : ", ") + v;
    return out;
}

QByteArray withVaryOrigin(const HeaderList &headers)
{
    const QByteArray vary = getHeader(headers, "vary").value_or(QByteArray());
    if (vary.isEmpty())
        return "Origin";
    if (vary.toLower().contains("origin") || vary.trimmed() == "*")
        return vary;
    return vary + ", Origin";
}

QString text(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

class FixBuilder
{
public:
    FixBuilder(const Scenario &s, const BrowserProfile &p) : m_original(s), m_p(p) {}

    std::optional<Fix> build(const Verdict &first);

private:
    bool repair(const Scenario &work, const Verdict &v, const Check &c);
    HeaderPatch &patchFor(Phase phase, int hop);
    const ResponseSpec *responseFor(const Scenario &work, Phase phase, int hop) const;
    void allowOrigin(const Scenario &work, const Verdict &v, const Check &c);
    void client(ClientChange change) { m_fix.client = std::move(change); }

    const Scenario &m_original;
    const BrowserProfile &m_p;
    Fix m_fix;
};

HeaderPatch &FixBuilder::patchFor(Phase phase, int hop)
{
    if (phase == Phase::Preflight) {
        if (!m_fix.preflight)
            m_fix.preflight = HeaderPatch{};
        return *m_fix.preflight;
    }
    if (phase == Phase::Redirect)
        return m_fix.redirects[hop];
    if (!m_fix.response)
        m_fix.response = HeaderPatch{};
    return *m_fix.response;
}

const ResponseSpec *FixBuilder::responseFor(const Scenario &work, Phase phase, int hop) const
{
    if (phase == Phase::Preflight)
        return work.preflight ? &*work.preflight : nullptr;
    if (phase == Phase::Redirect)
        return hop < work.redirects.size() ? &work.redirects.at(hop) : nullptr;
    return &work.response;
}

// The origin the browser sent at the failing hop ("null" after a tainting redirect).
void FixBuilder::allowOrigin(const Scenario &work, const Verdict &v, const Check &c)
{
    HeaderPatch &patch = patchFor(c.phase, c.hop);
    const QByteArray origin = c.expected.isEmpty() ? v.serializedOrigin : c.expected;
    const bool credentials = work.credentials == CredentialsMode::Include;
    const ResponseSpec *r = responseFor(work, c.phase, c.hop);
    const HeaderList empty;
    const HeaderList &headers = r ? r->headers : empty;
    const QString where =
        c.phase == Phase::Preflight  ? QStringLiteral("the preflight (OPTIONS) response")
        : c.phase == Phase::Redirect ? QStringLiteral("redirect response #%1").arg(c.hop + 1)
                                     : QStringLiteral("the response");
    if (origin == "null" && !credentials) {
        patch.setHeader("Access-Control-Allow-Origin", "*");
        m_fix.steps.append(
            QStringLiteral("In %1, answer 'Access-Control-Allow-Origin: *': after the "
                           "cross-origin redirect the browser sends 'Origin: null'.")
                .arg(where));
        return;
    }
    patch.setHeader("Access-Control-Allow-Origin", origin);
    if (c.phase != Phase::Preflight)
        patch.setHeader("Vary", withVaryOrigin(headers));
    if (credentials)
        patch.setHeader("Access-Control-Allow-Credentials", "true");
    switch (c.error) {
    case CorsError::WildcardOriginNotAllowed:
    case CorsError::PreflightWildcardOriginNotAllowed:
        m_fix.steps.append(
            QStringLiteral("In %1, answer with the caller's exact origin instead of '*' "
                           "('Access-Control-Allow-Origin: %2'%3): '*' is refused "
                           "for credentialed requests.")
                .arg(where, text(origin),
                     credentials ? QStringLiteral(" plus 'Access-Control-Allow-Credentials: true'")
                                 : QString()));
        break;
    case CorsError::MultipleAllowOriginValues:
    case CorsError::PreflightMultipleAllowOriginValues:
        m_fix.steps.append(
            QStringLiteral("Send exactly one origin in Access-Control-Allow-Origin on "
                           "%1: pick the caller's ('%2') from your allowlist instead "
                           "of listing them all.")
                .arg(where, text(origin)));
        break;
    default:
        m_fix.steps.append(
            QStringLiteral("Add 'Access-Control-Allow-Origin: %1' to %2%3.")
                .arg(text(origin), where,
                     c.phase != Phase::Preflight
                         ? QStringLiteral(
                               " (with 'Vary: Origin' so caches keep one answer per origin)")
                         : QString()));
    }
}

bool FixBuilder::repair(const Scenario &work, const Verdict &v, const Check &c)
{
    switch (c.error) {
    case CorsError::MissingAllowOriginHeader:
    case CorsError::PreflightMissingAllowOriginHeader:
    case CorsError::AllowOriginMismatch:
    case CorsError::PreflightAllowOriginMismatch:
    case CorsError::InvalidAllowOriginValue:
    case CorsError::PreflightInvalidAllowOriginValue:
    case CorsError::MultipleAllowOriginValues:
    case CorsError::PreflightMultipleAllowOriginValues:
        allowOrigin(work, v, c);
        return true;
    case CorsError::WildcardOriginNotAllowed:
    case CorsError::PreflightWildcardOriginNotAllowed:
        allowOrigin(work, v, c);
        if (!m_fix.client) {
            ClientChange change;
            change.credentials = CredentialsMode::SameOrigin;
            change.summary = QStringLiteral("Or, if this call needs no cookies, drop credentials: "
                                            "'include' from the fetch() call; then '*' works.");
            client(change);
        }
        return true;
    case CorsError::InvalidAllowCredentials:
    case CorsError::PreflightInvalidAllowCredentials: {
        patchFor(c.phase, c.hop).setHeader("Access-Control-Allow-Credentials", "true");
        m_fix.steps.append(QStringLiteral("Add 'Access-Control-Allow-Credentials: true' (exactly, "
                                          "lowercase) to %1.")
                               .arg(c.phase == Phase::Preflight
                                        ? QStringLiteral("the preflight response")
                                        : QStringLiteral("the response")));
        if (!m_fix.client) {
            ClientChange change;
            change.credentials = CredentialsMode::SameOrigin;
            change.summary = QStringLiteral("Or, if this call needs no cookies, drop credentials: "
                                            "'include' from the fetch() call.");
            client(change);
        }
        return true;
    }
    case CorsError::InvalidResponse:
        patchFor(Phase::Preflight, 0).status = 204;
        m_fix.steps.append(
            QStringLiteral("Answer the OPTIONS preflight request with 204 No Content "
                           "and the Access-Control-Allow-* headers."));
        return true;
    case CorsError::PreflightInvalidStatus:
        patchFor(Phase::Preflight, 0).status = 204;
        m_fix.steps.append(QStringLiteral("Answer the OPTIONS preflight with a 2xx status (204 No "
                                          "Content) instead of %1: let OPTIONS through before any "
                                          "authentication or routing that rejects it.")
                               .arg(text(c.seen)));
        return true;
    case CorsError::PreflightDisallowedRedirect: {
        HeaderPatch &p = patchFor(Phase::Preflight, 0);
        p.status = 204;
        p.remove.append("Location");
        m_fix.steps.append(
            QStringLiteral("Answer the OPTIONS preflight at this URL directly with 204 "
                           "instead of redirecting it (status %1): browsers never "
                           "follow a redirect for a preflight.")
                .arg(text(c.seen)));
        return true;
    }
    case CorsError::InvalidAllowMethodsPreflightResponse:
    case CorsError::MethodDisallowedByPreflightResponse: {
        QList<QByteArray> methods =
            validTokens(work.preflight ? work.preflight->headers : HeaderList{},
                        "access-control-allow-methods");
        const QByteArray method = v.sentMethod;
        if (!methods.contains(method))
            methods.append(method);
        patchFor(Phase::Preflight, 0).setHeader("Access-Control-Allow-Methods", joinList(methods));
        m_fix.steps.append(
            QStringLiteral("Answer the preflight with 'Access-Control-Allow-Methods: %1'.")
                .arg(text(joinList(methods))));
        return true;
    }
    case CorsError::InvalidAllowHeadersPreflightResponse:
    case CorsError::HeaderDisallowedByPreflightResponse: {
        QList<QByteArray> names =
            validTokens(work.preflight ? work.preflight->headers : HeaderList{},
                        "access-control-allow-headers");
        for (const Header &h : v.preflightRequest) {
            if (h.first != "Access-Control-Request-Headers")
                continue;
            for (const QByteArray &n : h.second.split(',')) {
                const bool present =
                    std::any_of(names.begin(), names.end(), [&](const QByteArray &x) {
                        return x.compare(n, Qt::CaseInsensitive) == 0;
                    });
                if (!present)
                    names.append(n);
            }
        }
        patchFor(Phase::Preflight, 0).setHeader("Access-Control-Allow-Headers", joinList(names));
        m_fix.steps.append(
            QStringLiteral("Answer the preflight with 'Access-Control-Allow-Headers: %1'%2.")
                .arg(text(joinList(names)),
                     c.variant == CheckVariant::AuthorizationNotCoveredByWildcard
                         ? QStringLiteral(" (name Authorization explicitly: '*' does not cover it)")
                         : QString()));
        return true;
    }
    case CorsError::RedirectContainsCredentials: {
        QUrl clean(QString::fromUtf8(c.seen));
        clean.setUserInfo(QString());
        m_fix.redirects[c.hop].setHeader("Location", clean.toString().toUtf8());
        m_fix.steps.append(
            QStringLiteral("Redirect to '%1' without user:password in the Location URL.")
                .arg(clean.toString()));
        return true;
    }
    case CorsError::DisallowedByMode:
    case CorsError::OpaqueResponse:
    case CorsError::NoCorsMethodNotAllowed: {
        ClientChange change;
        change.mode = RequestMode::Cors;
        change.summary = QStringLiteral("Use mode: 'cors' (the default) in the fetch() call: "
                                        "mode '%1' can never read a cross-origin response.")
                             .arg(requestModeName(work.mode));
        change.required = true;
        client(change);
        m_fix.steps.append(m_fix.client->summary);
        return true;
    }
    case CorsError::RedirectModeError:
    case CorsError::OpaqueRedirect: {
        ClientChange change;
        change.redirect = RedirectMode::Follow;
        change.summary = QStringLiteral("Use redirect: 'follow' (the default) in the fetch() call, "
                                        "or link to the final URL directly.");
        change.required = true;
        client(change);
        m_fix.steps.append(m_fix.client->summary);
        return true;
    }
    case CorsError::ForbiddenMethod: {
        ClientChange change;
        change.method = QByteArrayLiteral("POST");
        change.summary = QStringLiteral("Browsers never send %1: use another method, such as POST.")
                             .arg(text(c.seen));
        change.required = true;
        client(change);
        m_fix.steps.append(m_fix.client->summary);
        return true;
    }
    case CorsError::UrlContainsCredentials: {
        QUrl clean = work.url();
        clean.setUserInfo(QString());
        ClientChange change;
        change.url = clean;
        change.summary = QStringLiteral("Remove user:password from the URL; send credentials in an "
                                        "Authorization header instead (allowed by the server's "
                                        "Access-Control-Allow-Headers).");
        change.required = true;
        client(change);
        m_fix.steps.append(m_fix.client->summary);
        return true;
    }
    case CorsError::CorsDisabledScheme: {
        if (c.variant == CheckVariant::LocationNotHttp) {
            m_fix.complete = false;
            m_fix.steps.append(QStringLiteral("Redirect to an http:// or https:// URL."));
            return false;
        }
        QUrl http = work.url();
        http.setScheme(QStringLiteral("https"));
        ClientChange change;
        change.url = http;
        change.summary =
            QStringLiteral("Serve the resource over https:// (or http://): scheme '%1' "
                           "does not support CORS.")
                .arg(text(c.seen));
        change.required = true;
        client(change);
        m_fix.steps.append(m_fix.client->summary);
        return true;
    }
    case CorsError::TooManyRedirects: {
        ClientChange change;
        change.url = v.finalUrl.isEmpty() ? QUrl(QString::fromUtf8(c.seen)) : v.finalUrl;
        change.skipRedirects = true;
        change.summary =
            QStringLiteral("Request the final URL directly: the chain has more than 20 "
                           "redirects.");
        change.required = true;
        client(change);
        m_fix.steps.append(m_fix.client->summary);
        return true;
    }
    case CorsError::InvalidRedirectLocation:
        m_fix.complete = false;
        m_fix.steps.append(QStringLiteral("Send a valid http(s) URL in the Location header of "
                                          "redirect #%1 (got '%2').")
                               .arg(c.hop + 1)
                               .arg(text(c.seen)));
        return false;
    case CorsError::None:
        break;
    }
    m_fix.complete = false;
    return false;
}

std::optional<Fix> FixBuilder::build(const Verdict &first)
{
    if (first.exposed)
        return std::nullopt;
    Verdict v = first;
    // Each round repairs one failed check; a browser checks at most a dozen things per hop.
    for (int round = 0; round < 24 && !v.exposed; ++round) {
        const Check *c = v.failedCheck();
        const Scenario work = m_fix.applyTo(m_original);
        if (!c || !repair(work, v, *c))
            break;
        v = evaluate(m_fix.applyTo(m_original), m_p);
    }
    if (!v.exposed)
        m_fix.complete = false;
    return m_fix;
}

} // namespace

std::optional<Fix> findFix(const Scenario &scenario, const Verdict &verdict,
                           const BrowserProfile &profile)
{
    return FixBuilder(scenario, profile).build(verdict);
}

} // namespace corslab::cors
