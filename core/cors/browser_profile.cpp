#include "browser_profile.h"

namespace corslab::cors {

// Sources for each value are in docs/BROWSERS.md; the chromium ones are checked against Debian's
// Chromium and Firefox ESR by tests/browser/tst_browser_agreement.cpp.
static BrowserProfile makeChromium()
{
    BrowserProfile p;
    p.browser = Browser::Chromium;
    p.name = QStringLiteral("chromium");
    p.displayName = QStringLiteral("Chromium");
    p.maxAgeCapSeconds = 7200;   // preflight_result.cc kMaxTimeout = 2 h
    p.invalidMaxAgeSeconds = 5;  // StringToUint64 failure -> kDefaultTimeout
    p.negativeMaxAgeSeconds = 0; // not cached: checked against Chromium 156 (tst_browser_chromium)
    p.wildcardCoversAuthorization = true;
    p.clientHintsSafelisted = true;
    p.localNetworkAccessPrompt = true;
    p.blocksThirdPartyCookies = true;
    // Checked against Chromium 156 (tst_browser_chromium: header-twice-*, script-user-agent).
    p.combinesRepeatedRequestHeaders = true;
    p.scriptIgnoredRequestHeaders = {QByteArrayLiteral("user-agent")};
    // Checked against Chromium 156's console (console_chromium: wpt-preflight-get-several-refuse).
    p.refusedHeaderInRequestOrder = true;
    // Checked against Chromium 156 (docs/BROWSERS.md): '*' becomes %2A, '|', '^', '%' throw.
    p.hostSpecialCharacters = QByteArrayLiteral("_`{}!~$&'()+,;=\"");
    return p;
}

static BrowserProfile makeFirefox()
{
    BrowserProfile p;
    p.browser = Browser::Firefox;
    p.name = QStringLiteral("firefox");
    p.displayName = QStringLiteral("Firefox");
    p.maxAgeCapSeconds = 86400; // nsPreflightCache caps at 24 h
    p.invalidMaxAgeSeconds = 0; // an unparseable value is not cached
    p.negativeMaxAgeSeconds = 0;
    p.wildcardCoversAuthorization =
        true; // with console warning CORSAllowHeaderFromPreflightDeprecation
    // Checked against Firefox ESR 153 (tst_browser_firefox: header-twice-custom).
    p.preflightRepeatsHeaderNames = true;
    // net_IsValidDNSHost: letters, digits and . - $ + _ (checked against Firefox ESR 153).
    p.hostSpecialCharacters = QByteArrayLiteral("_$+");
    return p;
}

static BrowserProfile makeSafari()
{
    BrowserProfile p;
    p.browser = Browser::Safari;
    p.name = QStringLiteral("safari");
    p.displayName = QStringLiteral("Safari");
    p.maxAgeCapSeconds = 600;    // CrossOriginPreflightResultCache maxPreflightCacheTimeout
    p.invalidMaxAgeSeconds = 5;  // parse failure -> defaultPreflightCacheTimeout
    p.negativeMaxAgeSeconds = 0; // parseInteger<int64_t> accepts it: an expired entry
    p.wildcardCoversAuthorization = true;
    // Checked against WebKitGTK 2.50 (tst_webkit_console): "Preflight response is not
    // successful. Status code: 400" for a 400 without Access-Control-Allow-Origin.
    p.preflightStatusBeforeCorsCheck = true;
    // Checked against WebKitGTK 2.50 (tst_browser_webkit: header-twice-*).
    p.combinesRepeatedRequestHeaders = true;
    // Safari, not WebKitGTK: Intelligent Tracking Prevention blocks all third-party cookies by
    // default since Safari 13.1 (docs/BROWSERS.md, "Safari on macOS and WebKitGTK").
    p.blocksThirdPartyCookies = true;
    return p;
}

static BrowserProfile makeSpec()
{
    BrowserProfile p;
    p.browser = Browser::Spec;
    p.name = QStringLiteral("spec");
    p.displayName = QStringLiteral("Fetch standard");
    p.maxAgeCapSeconds = -1;
    p.wildcardCoversAuthorization = false;
    p.preflightRedirectIsOwnError = false;
    return p;
}

const BrowserProfile &BrowserProfile::get(Browser browser)
{
    static const BrowserProfile chromium = makeChromium();
    static const BrowserProfile firefox = makeFirefox();
    static const BrowserProfile safari = makeSafari();
    static const BrowserProfile spec = makeSpec();
    switch (browser) {
    case Browser::Chromium:
        return chromium;
    case Browser::Firefox:
        return firefox;
    case Browser::Safari:
        return safari;
    case Browser::Spec:
        break;
    }
    return spec;
}

const BrowserProfile *BrowserProfile::byName(const QString &name)
{
    for (Browser b : {Browser::Chromium, Browser::Firefox, Browser::Safari, Browser::Spec}) {
        if (get(b).name == name)
            return &get(b);
    }
    return nullptr;
}

QStringList BrowserProfile::names()
{
    return {QStringLiteral("chromium"), QStringLiteral("firefox"), QStringLiteral("safari"),
            QStringLiteral("spec")};
}

} // namespace corslab::cors
