#pragma once

// The real browser a per-browser test executable is built for. tests/browser/CMakeLists.txt
// builds such a source once per browser: with CORSLAB_AGREEMENT_FIREFOX for firefox-esr (over
// WebDriver BiDi), with CORSLAB_AGREEMENT_WEBKIT for WebKitGTK (WebKitWebDriver and MiniBrowser on
// Xvfb, judged with the safari profile), without either for headless Chromium. Kept in one place so
// that each test names the runner, the engine profile and the package the same way.

#include "cors/browser_profile.h"

#if defined(CORSLAB_AGREEMENT_FIREFOX)
#include "firefox_runner.h"
#elif defined(CORSLAB_AGREEMENT_WEBKIT)
#include "webkit_runner.h"
#else
#include "chromium_runner.h"
#endif

#include <QString>

namespace browser_under_test {

#if defined(CORSLAB_AGREEMENT_FIREFOX)
using Runner = FirefoxRunner;
inline constexpr corslab::cors::Browser kBrowser = corslab::cors::Browser::Firefox;
/// The Debian package that installs it (named in skip messages).
inline constexpr const char *kPackage = "firefox-esr";

/// The end of the browser's console output, for failure messages.
inline QString browserOutput(const Runner &runner)
{
    return runner.stderrTail().right(4000);
}

/// Firefox's start-up is slow enough to be worth a line in the log.
inline void reportStartup(const Runner &runner)
{
    if (runner.lastStartupMs() >= 0)
        qInfo("firefox start-up (launch to WebDriver BiDi session) took %lld ms",
              static_cast<long long>(runner.lastStartupMs()));
}
#elif defined(CORSLAB_AGREEMENT_WEBKIT)
using Runner = WebKitRunner;
/// WebKit's CORS code is Safari's; docs/BROWSERS.md lists where Safari on macOS differs.
inline constexpr corslab::cors::Browser kBrowser = corslab::cors::Browser::Safari;
/// The Debian package that installs it (named in skip messages).
inline constexpr const char *kPackage = "webkit2gtk-driver";

/// What the driver, the browser and Xvfb wrote, for failure messages.
inline QString browserOutput(const Runner &runner)
{
    return runner.diagnostics().right(4000);
}

/// The driver starts MiniBrowser within the session request; nothing separate to report.
inline void reportStartup(const Runner &)
{
}
#else
using Runner = ChromiumRunner;
inline constexpr corslab::cors::Browser kBrowser = corslab::cors::Browser::Chromium;
/// The Debian package that installs it (named in skip messages).
inline constexpr const char *kPackage = "chromium";

/// The end of the browser's console output, for failure messages.
inline QString browserOutput(const Runner &runner)
{
    return QString::fromLocal8Bit(runner.output().right(4000));
}

/// Chromium starts from the command line; there is no start-up phase to report.
inline void reportStartup(const Runner &)
{
}
#endif

} // namespace browser_under_test
