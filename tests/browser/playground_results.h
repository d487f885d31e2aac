#pragma once

// What the tests that run the playground page (resources/playground.html) in Chromium share: the
// page's ACTIONS as the tests know them, the runner that waits for the page's /__results POST,
// and the matching of each action to the API exchanges it caused.

#include "browser_runner.h"
#include "chromium_runner.h"
#include "http/http_message.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <algorithm>
#include <array>
#include <optional>

/// What one action of the page's ACTIONS list sends, as far as matching its exchanges needs it.
/// The page's report must list exactly these ids in this order.
struct PageAction
{
    const char *id;
    QByteArray method;
    QByteArray path;
    bool credentials; ///< credentials: 'include' / withCredentials
    bool xhr;         ///< sent with XMLHttpRequest rather than fetch()
};

/// The page's actions, in the order the page runs them.
const QList<PageAction> &pageActions();

/// The ids of pageActions(), in order.
QStringList expectedActionIds();

/// The ids the page reported, in order: the "id" of each entry of \a results.
QStringList reportedActionIds(const QJsonArray &results);

/// "yes" or "no".
QString yesNo(bool value);

/// True for a CORS preflight: OPTIONS with Access-Control-Request-Method.
bool isPreflight(const corslab::http::HttpExchange &exchange);

/// The API exchanges one action caused: indexes into the server's log, -1 when not sent.
struct ActionExchanges
{
    qsizetype preflight = -1;
    qsizetype actual = -1;
};

/// Matches \a action to the exchanges of \a api from \a *cursor on (the page runs its actions one
/// after the other): a preflight for the action's path and method, then its request with that
/// method and path, each optional. Advances \a *cursor past what matched.
ActionExchanges matchAction(const QList<corslab::http::HttpExchange> &api, qsizetype *cursor,
                            const PageAction &action);

/// Reads the page's report from \a exchange when it is the POST to /__results on the listener
/// \a role: nullopt when it is not; otherwise true with the object in \a *report, or false with
/// \a *error when the body is not a JSON object.
std::optional<bool> readPostedResults(const corslab::http::HttpExchange &exchange,
                                      const QString &role, QJsonObject *report, QString *error);

/// One line of a test's comparison table.
struct CheckRow
{
    QString subject; ///< the action, or the exchange, checked
    QString check;
    /// The engine's prediction, or what the test expects (cookies, statuses, the judge's warning).
    QString expected;
    /// What Chromium did, the server received or the session holds.
    QString actual;
    bool ok = true;
    QString note; ///< context for a mismatch
};

/// \a rows as an aligned table headed "\a subjectHeader | check | expected | actual", columns at
/// least \a minimumWidths wide; a row's note follows its mark on mismatches, and on every row
/// when \a notesOnOkRows.
QString checkTable(const QList<CheckRow> &rows, const QString &subjectHeader,
                   std::array<qsizetype, 4> minimumWidths, bool notesOnOkRows);

/// \brief Gets Chromium through one autorun of the playground page served by \a Site
/// (PlaygroundServer or TlsPlayground), as a BrowserRunner so that AgreementCheck::run() does the
/// process bookkeeping (private TMPDIR, sampling the browser's processes, ending what outlives
/// stop()).
///
/// runInBrowser() hands open() the URL of an empty scenario page; this runner opens the
/// playground page instead, spins an event loop until the page's /__results POST arrives or the
/// timeout passes, stops the browser and returns false so that runInBrowser() returns at once.
/// Whether the page reported is told by report(), not by the return value.
template<class Site> class PlaygroundPageRun final : public BrowserRunner
{
public:
    PlaygroundPageRun(ChromiumRunner &chromium, Site &site, QUrl page, QString role, int timeoutMs)
        : m_chromium(chromium), m_site(site), m_page(std::move(page)), m_role(std::move(role)),
          m_timeoutMs(timeoutMs)
    {
    }

    QString name() const override { return m_chromium.name(); }
    bool isAvailable() const override { return m_chromium.isAvailable(); }
    QString version() const override { return m_chromium.version(); }
    void stop() override { m_chromium.stop(); }

    bool open(const QUrl &, QString *error) override
    {
        m_report.reset();
        m_error.clear();
        QElapsedTimer timer;
        timer.start();
        QEventLoop loop;
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
        QObject::connect(&m_site, &Site::exchangeRecorded, &loop,
                         [this, &loop](const corslab::http::HttpExchange &exchange) {
                             if (take(exchange))
                                 loop.quit();
                         });
        if (!m_chromium.open(m_page, &m_error)) {
            *error = m_error;
            return false;
        }
        timeout.start(m_timeoutMs);
        const QList<corslab::http::HttpExchange> already = m_site.exchanges();
        if (!std::any_of(already.cbegin(), already.cend(),
                         [this](const corslab::http::HttpExchange &e) { return take(e); }))
            loop.exec();
        m_elapsedMs = timer.elapsed();
        m_chromium.stop();
        if (!m_report && m_error.isEmpty())
            m_error = timeoutError();
        *error = m_report ? QStringLiteral("(page run over)") : m_error;
        return false; // runInBrowser() returns at once; AgreementCheck::run() then cleans up
    }

    const std::optional<QJsonObject> &report() const { return m_report; }
    QString error() const { return m_error; }
    qint64 elapsedMs() const { return m_elapsedMs; }

private:
    bool take(const corslab::http::HttpExchange &exchange)
    {
        if (m_report)
            return false;
        QJsonObject report;
        const std::optional<bool> read = readPostedResults(exchange, m_role, &report, &m_error);
        if (!read)
            return false;
        if (*read)
            m_report = report;
        return true;
    }

    QString timeoutError() const
    {
        return QStringLiteral("Chromium did not POST the page's results to %1/__results within "
                              "%2 s (the page %3 was opened; see the browser output and the "
                              "exchanges below)")
            .arg(m_page.adjusted(QUrl::RemovePath | QUrl::RemoveQuery).toString(),
                 QString::number(m_timeoutMs / 1000.0), m_page.toString());
    }

    ChromiumRunner &m_chromium;
    Site &m_site;
    QUrl m_page;
    QString m_role;
    int m_timeoutMs;
    std::optional<QJsonObject> m_report;
    QString m_error;
    qint64 m_elapsedMs = 0;
};
