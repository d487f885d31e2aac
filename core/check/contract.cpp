// A contract expanded into cases: one request under one browser each, with what must hold.
#include "contract.h"

#include "check_runner.h"
#include "cors/browser_profile.h"
#include "cors/fetch_rules.h"

namespace corslab::check {

namespace {

bool setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

/// The rule's URL made absolute: a path goes under the base URL (kept with its own path, so
/// "https://x/v1" + "/items" is "https://x/v1/items").
bool resolveUrl(const ContractRule &rule, const QString &field, const QString &base, QUrl *out,
                QString *error)
{
    QString text = rule.url;
    if (text.startsWith(QLatin1Char('/'))) {
        if (base.isEmpty())
            return setError(error, field + QStringLiteral(": the path \"%1\" needs base_url "
                                                          "(or a base URL given to the check)")
                                               .arg(rule.url));
        QString prefix = base;
        while (prefix.endsWith(QLatin1Char('/')))
            prefix.chop(1);
        text = prefix + text;
    }
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return setError(error, field + QStringLiteral(": expected an absolute http:// or https:// "
                                                      "URL, got \"%1\"")
                                           .arg(text));
    *out = url;
    return true;
}

QStringList browsersOf(const Contract &contract, const ContractRule &rule)
{
    if (!rule.browsers.isEmpty())
        return rule.browsers;
    if (!contract.browsers.isEmpty())
        return contract.browsers;
    return {QStringLiteral("chromium")};
}

bool needsPreflight(const QByteArray &method, const base::HeaderList &headers,
                    const cors::BrowserProfile &profile)
{
    return !cors::isCorsSafelistedMethod(cors::normalizeMethod(method)) ||
           !cors::corsUnsafeRequestHeaderNames(headers, profile).isEmpty();
}

bool methodTakesBody(const QByteArray &method)
{
    const QByteArray normalized = cors::normalizeMethod(method);
    return normalized != "GET" && normalized != "HEAD";
}

/// Everything one rule's cases share while they are built.
struct RuleContext
{
    const ContractRule &rule;
    int index;
    QUrl url;
};

QString caseName(const RuleContext &ctx, const ContractCase &c)
{
    const QString method = QString::fromLatin1(c.request.method);
    const QString origin = QString::fromLatin1(c.request.origin);
    QString name = ctx.rule.name.isEmpty()
                       ? QStringLiteral("%1 %2 from %3").arg(method, ctx.rule.url, origin)
                       : QStringLiteral("%1: %2 from %3").arg(ctx.rule.name, method, origin);
    name += QStringLiteral(" [%1]").arg(c.browser);
    if (c.variant == CaseVariant::DeniedSimple)
        name += QStringLiteral(" (simple)");
    else if (c.variant == CaseVariant::DeniedPreflight)
        name += QStringLiteral(" (preflight)");
    return name;
}

/// A case with the rule's request for \a origin, \a method and \a browser.
ContractCase plainCase(const RuleContext &ctx, const QByteArray &origin, const QByteArray &method,
                       const QString &browser, Expectation expect)
{
    ContractCase c;
    c.ruleIndex = ctx.index;
    c.request.origin = origin;
    c.request.url = ctx.url;
    c.request.method = method;
    c.request.headers = ctx.rule.headers;
    c.request.credentials = ctx.rule.credentials;
    c.request.body = methodTakesBody(method) ? ctx.rule.body : QByteArray();
    c.request.mode = ctx.rule.mode;
    c.browser = browser;
    c.expect = expect;
    c.varyOrigin = ctx.rule.varyOrigin;
    if (expect == Expectation::Exposed) {
        c.readableHeaders = ctx.rule.readableHeaders;
        c.maxAgeAtLeast = ctx.rule.maxAgeAtLeast;
    } else {
        c.error = ctx.rule.error;
    }
    return c;
}

/// The two requests a denied origin must be refused for: one the browser sends straight away,
/// one it sends only after a preflight (either may leak data if the server answers it).
QList<ContractCase> deniedCases(const RuleContext &ctx, const QByteArray &origin,
                                const QByteArray &method, const QString &browser,
                                const cors::BrowserProfile &profile)
{
    ContractCase simple = plainCase(ctx, origin, method, browser, Expectation::Blocked);
    simple.variant = CaseVariant::DeniedSimple;
    simple.request.mode = cors::RequestMode::Cors;
    simple.error = cors::CorsError::None;
    simple.request.headers.clear();
    if (!cors::isCorsSafelistedMethod(cors::normalizeMethod(method))) {
        simple.request.method = "GET";
        simple.request.body.clear();
    }
    ContractCase preflighted = plainCase(ctx, origin, method, browser, Expectation::Blocked);
    preflighted.variant = CaseVariant::DeniedPreflight;
    preflighted.request.mode = cors::RequestMode::Cors;
    preflighted.error = cors::CorsError::None;
    if (!needsPreflight(method, ctx.rule.headers, profile)) {
        preflighted.request.method = "PUT";
        preflighted.request.headers = {{"Content-Type", "application/json"}};
        preflighted.request.body.clear();
    }
    return {simple, preflighted};
}

bool sameRequest(const ContractCase &a, const ContractCase &b)
{
    return a.browser == b.browser && a.variant == b.variant && a.expect == b.expect &&
           a.request.origin == b.request.origin && a.request.method == b.request.method &&
           a.request.headers == b.request.headers && a.request.body == b.request.body;
}

void appendUnique(QList<ContractCase> *cases, qsizetype ruleStart, ContractCase c,
                  const RuleContext &ctx)
{
    for (qsizetype i = ruleStart; i < cases->size(); ++i) {
        if (sameRequest(cases->at(i), c))
            return;
    }
    c.name = caseName(ctx, c);
    cases->append(c);
}

bool expandRule(const Contract &contract, const RuleContext &ctx, QList<ContractCase> *cases,
                QString *error)
{
    const QString field = QStringLiteral("rules[%1]").arg(ctx.index);
    const qsizetype start = cases->size();
    for (const QString &browser : browsersOf(contract, ctx.rule)) {
        const cors::BrowserProfile *profile = cors::BrowserProfile::byName(browser);
        if (!profile)
            return setError(
                error, field + QStringLiteral(".browsers: unknown browser \"%1\"").arg(browser));
        for (const QByteArray &method : ctx.rule.methods) {
            if (ctx.rule.expect) {
                for (const QByteArray &origin : ctx.rule.origins)
                    appendUnique(cases, start,
                                 plainCase(ctx, origin, method, browser, *ctx.rule.expect), ctx);
            }
            for (const QByteArray &origin : ctx.rule.allowedOrigins)
                appendUnique(cases, start,
                             plainCase(ctx, origin, method, browser, Expectation::Exposed), ctx);
            for (const QByteArray &origin : ctx.rule.deniedOrigins) {
                for (const ContractCase &c : deniedCases(ctx, origin, method, browser, *profile))
                    appendUnique(cases, start, c, ctx);
            }
        }
    }
    return true;
}

} // namespace

QString expectationName(Expectation expectation)
{
    return expectation == Expectation::Exposed ? QStringLiteral("exposed")
                                               : QStringLiteral("blocked");
}

QStringList allBrowsers()
{
    return kCheckBrowsers;
}

QList<ContractCase> expandContract(const Contract &contract, const QUrl &baseUrlOverride,
                                   QString *error)
{
    const QString base = baseUrlOverride.isEmpty() ? contract.baseUrl : baseUrlOverride.toString();
    QList<ContractCase> cases;
    for (int i = 0; i < contract.rules.size(); ++i) {
        const ContractRule &rule = contract.rules.at(i);
        const QString field = QStringLiteral("rules[%1]").arg(i);
        RuleContext ctx{rule, i, {}};
        if (!resolveUrl(rule, field + QStringLiteral(".url"), base, &ctx.url, error) ||
            !expandRule(contract, ctx, &cases, error))
            return {};
    }
    for (const ContractCase &c : std::as_const(cases)) {
        QString why;
        if (!c.request.validate(&why)) {
            setError(error, QStringLiteral("rules[%1]: %2").arg(c.ruleIndex).arg(why));
            return {};
        }
    }
    return cases;
}

} // namespace corslab::check
