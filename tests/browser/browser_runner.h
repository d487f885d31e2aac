#pragma once

#include <QString>
#include <QUrl>

/// \brief Launches one real browser, opens a page in it, and shuts it down.
///
/// The page does the work (it runs fetch() calls and posts what it saw back to the loopback
/// ScenarioServer); a runner only gets a real browser onto the page. One implementation per
/// browser: ChromiumRunner (command line, headless) and FirefoxRunner (WebDriver BiDi).
class BrowserRunner
{
public:
    virtual ~BrowserRunner() = default;

    /// Human-readable name ("chromium", "firefox").
    virtual QString name() const = 0;
    /// True when the browser's executable is installed on this machine.
    virtual bool isAvailable() const = 0;
    /// Starts the browser and navigates it to \a url. Returns false and sets \a error when the
    /// browser could not be started or driven. Does not wait for the page's work to finish.
    virtual bool open(const QUrl &url, QString *error) = 0;
    /// Closes the browser and removes its temporary profile. Safe to call more than once.
    virtual void stop() = 0;
    /// The browser's own version string (e.g. "Chromium 156.0.8078.79"), empty if unknown.
    virtual QString version() const = 0;
};
