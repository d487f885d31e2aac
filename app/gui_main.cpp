#include "lab/lab.h"
#include "main_window.h"
#include "preferences.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QScreen>
#include <QSettings>
#include <QTimer>
#include <QWindow>
#include <cstdio>

namespace {

/// Saves what the screen shows of \a window (the X server's pixels, not a re-rendering) and
/// ends the app: for documentation and the screenshot test.
void saveScreenshotAndQuit(QWidget *window, const QString &path)
{
    QCoreApplication::processEvents();
    QScreen *screen = window->windowHandle() ? window->windowHandle()->screen()
                                             : QGuiApplication::primaryScreen();
    QPixmap shot = screen ? screen->grabWindow(window->winId()) : QPixmap();
    if (shot.isNull() || shot.width() < 2) // platforms that cannot grab: render the widgets
        shot = window->grab();
    if (!shot.save(path, "PNG")) {
        std::fprintf(stderr, "corslab: --screenshot: cannot write %s\n", qPrintable(path));
        QCoreApplication::exit(1);
        return;
    }
    QCoreApplication::exit(0);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("CORS Lab"));
    QApplication::setOrganizationName(QStringLiteral("CORS Lab"));
    QApplication::setApplicationVersion(QStringLiteral(CORSLAB_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("CORS Lab: see every preflight and actual request side by side, and why."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption scenario(
        QStringLiteral("scenario"),
        QStringLiteral("Run this classic scenario at start (simple-get, json-post, "
                       "custom-header, credentials-wildcard, trusted-third-party, "
                       "expose-headers, max-age, reflect-any-origin, preflight-rejected)."),
        QStringLiteral("id"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Save a PNG of the window once it is ready (after --scenario lands) and "
                       "quit."),
        QStringLiteral("file"));
    const QCommandLineOption select(
        QStringLiteral("select"),
        QStringLiteral("Once the session given is open, show exchange #ID (its pair and "
                       "explanation); with --screenshot, the PNG is taken then."),
        QStringLiteral("ID"));
    parser.addOptions({scenario, screenshot, select});
    parser.addPositionalArgument(
        QStringLiteral("session"),
        QStringLiteral("A session to open: a session store (a .corslab directory, which the "
                       "session then lives in) or a session file."),
        QStringLiteral("[session]"));
    parser.process(app);
    if (parser.positionalArguments().size() > 1) {
        std::fprintf(stderr, "corslab: one session at a time (got %lld)\n",
                     static_cast<long long>(parser.positionalArguments().size()));
        return 2;
    }

    QSettings settings;
    const corslab::ui::Preferences prefs = corslab::ui::Preferences::load(settings);
    corslab::lab::Lab::Options options;
    options.playground.apiPort = prefs.apiPort;
    options.playground.appPort = prefs.appPort;
    options.playground.evilPort = prefs.evilPort;
    options.proxy.port = prefs.proxyPort;
    options.startProxy = prefs.startProxyAtLaunch;
    options.bodyCap = prefs.bodyCaptureBytes;
    options.browserBinary = prefs.browserBinary;
    options.profile = prefs.browserProfile;
    options.retention = prefs.retention();
    // The playground and the proxy start with the app, on loopback, so a first launch just works.
    corslab::lab::Lab lab(options);
    lab.start();
    corslab::ui::MainWindow window(&lab);
    window.show();

    const QString shotPath = parser.value(screenshot);
    bool selectOk = false;
    const qint64 selectId = parser.value(select).toLongLong(&selectOk);
    if (parser.isSet(select) &&
        (!selectOk || selectId < 1 || parser.positionalArguments().isEmpty())) {
        std::fprintf(stderr,
                     "corslab: --select: expected an exchange number (1 or more) and a "
                     "session to open, got \"%s\"\n",
                     qPrintable(parser.value(select)));
        return 2;
    }
    if (!parser.positionalArguments().isEmpty())
        window.openSessionFile(parser.positionalArguments().constFirst());

    if (parser.isSet(select)) {
        QObject::connect(&lab, &corslab::lab::Lab::fileJobFinished, &window,
                         [&](quint64, const QString &, const QString &error) {
                             const qsizetype index = lab.session().indexOfId(selectId);
                             if (!error.isEmpty() || index < 0)
                                 std::fprintf(stderr, "corslab: --select: no exchange #%lld\n",
                                              static_cast<long long>(selectId));
                             else
                                 window.selectExchange(index);
                             if (!shotPath.isEmpty())
                                 QTimer::singleShot(700, &window, [&] {
                                     saveScreenshotAndQuit(&window, shotPath);
                                 });
                         });
    } else if (parser.isSet(scenario)) {
        QObject::connect(&window, &corslab::ui::MainWindow::scenarioEnded, &window,
                         [&](const QString &, bool ok, const QString &why) {
                             if (!ok)
                                 std::fprintf(stderr, "corslab: --scenario: %s\n", qPrintable(why));
                             if (!shotPath.isEmpty())
                                 QTimer::singleShot(500, &window, [&] {
                                     saveScreenshotAndQuit(&window, shotPath);
                                 });
                         });
        window.runScenario(parser.value(scenario));
    } else if (!shotPath.isEmpty()) {
        QTimer::singleShot(1000, &window, [&] { saveScreenshotAndQuit(&window, shotPath); });
    }
    return app.exec();
}
