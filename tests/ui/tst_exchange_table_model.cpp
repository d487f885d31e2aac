// The exchange list's model over a real session: 100,000 exchanges (row count, filters, roles),
// rows added and judged again while filtered, the filter scan on a worker thread (same rows as
// the synchronous one, cancelled by a newer filter, rows added meanwhile), rows dropped from the
// front, and Qt's own model consistency checks.
#include "../session/chromium_exchanges.h"
#include "exchange_table_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>
#include <thread>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;
using ui::ExchangeFilter;
using ui::ExchangeTableModel;

namespace {

const QByteArray kEvil = "https://evil.example.org";
const QByteArray kApiHost = "api.example.net";

// Exchange i of a capture: a pattern of four (an allowed simple GET, a simple GET from a site the
// API does not allow, a preflight for a PUT and that PUT), so every count is known.
CapturedExchange exchange(qint64 i)
{
    const qint64 at = kT0 + i * 3;
    const QByteArray url = "https://api.example.net/items/" + QByteArray::number(i / 4);
    const base::HeaderList allowApp = {{"Access-Control-Allow-Origin", kApp},
                                       {"Content-Type", "application/json"}};
    switch (i % 4) {
    case 0:
        return X("GET", url, at)
            .request(chromiumFetch(kApiHost, kApp, "cross-site"))
            .response(200, allowApp);
    case 1:
        return X("GET", url, at)
            .request(chromiumFetch(kApiHost, kEvil, "cross-site"))
            .response(200, allowApp);
    case 2:
        return X("OPTIONS", url, at)
            .request(chromiumPreflight(kApiHost, kApp, "PUT", {}))
            .response(204, {{"Access-Control-Allow-Origin", kApp},
                            {"Access-Control-Allow-Methods", "PUT"}});
    default:
        return X("PUT", url, at)
            .request(chromiumFetch(kApiHost, kApp, "cross-site"))
            .response(200, allowApp);
    }
}

void appendExchanges(Session &s, qint64 first, qint64 count)
{
    QList<CapturedExchange> batch;
    for (qint64 i = first; i < first + count; ++i) {
        batch.append(exchange(i));
        if (batch.size() == 1000) {
            s.append(batch);
            batch.clear();
        }
    }
    s.append(batch);
}

// What the filter should keep, counted from the session's own rows.
int expectedRows(const Session &s, const std::function<bool(const ExchangeRow &)> &keep)
{
    int n = 0;
    for (const ExchangeRow &row : s.rows(0, s.count()))
        n += keep(row) ? 1 : 0;
    return n;
}

// The session indices the model shows, in row order.
QList<qsizetype> shownIndices(const ExchangeTableModel &model)
{
    QList<qsizetype> out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.sessionIndex(row));
    return out;
}

// The filters the scans are checked with: each field alone, and together.
QList<ExchangeFilter> sampleFilters()
{
    ExchangeFilter blocked;
    blocked.blockedOnly = true;
    ExchangeFilter text;
    text.text = QStringLiteral("ITEMS/1"); // any case
    ExchangeFilter byError;
    byError.text = QStringLiteral("originmismatch");
    ExchangeFilter preflightsFromApp;
    preflightsFromApp.kind = ExchangeKind::Preflight;
    preflightsFromApp.origin = kApp;
    ExchangeFilter none;
    none.origin = "https://nowhere.example";
    return {blocked, text, byError, preflightsFromApp, none};
}

// A model whose every filter runs on the worker, a few rows per lock so a scan takes many steps.
void scanOnWorker(ExchangeTableModel &model)
{
    model.setAsyncThreshold(0);
    model.setScanChunkRows(97);
}

} // namespace

class TstExchangeTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hundredThousandExchanges()
    {
        Session s;
        appendExchanges(s, 0, 100'000);
        ExchangeTableModel model(&s);
        QCOMPARE(model.rowCount(), 100'000);
        QCOMPARE(model.columnCount(), int(ExchangeTableModel::ColumnCount));
        QCOMPARE(model.headerData(ExchangeTableModel::Url, Qt::Horizontal).toString(),
                 QStringLiteral("URL"));

        // Row 1 (id 2): the GET from the site the API does not allow.
        auto cell = [&](int row, int column, int role = Qt::DisplayRole) {
            return model.data(model.index(row, column), role);
        };
        QCOMPARE(cell(1, ExchangeTableModel::Id).toLongLong(), 2);
        QCOMPARE(cell(1, ExchangeTableModel::Kind).toString(), QStringLiteral("simple"));
        QCOMPARE(cell(1, ExchangeTableModel::Method).toString(), QStringLiteral("GET"));
        QCOMPARE(cell(1, ExchangeTableModel::Url).toString(),
                 QStringLiteral("https://api.example.net/items/0"));
        QCOMPARE(cell(1, ExchangeTableModel::Origin).toString(), QString::fromLatin1(kEvil));
        QCOMPARE(cell(1, ExchangeTableModel::Status).toInt(), 200);
        QCOMPARE(cell(1, ExchangeTableModel::Verdict).toString(), QStringLiteral("✗ blocked"));
        QCOMPARE(cell(1, ExchangeTableModel::Error).toString(),
                 QStringLiteral("AllowOriginMismatch"));
        QCOMPARE(cell(1, ExchangeTableModel::Duration).toString(), QStringLiteral("8 ms"));
        QCOMPARE(cell(1, 0, ExchangeTableModel::VerdictStateRole).toInt(),
                 int(VerdictState::Blocked));
        QVERIFY(cell(1, ExchangeTableModel::Verdict, Qt::ForegroundRole).isValid());
        // Row 0 is allowed, but no cookie was sent: "exposed; with credentials blocked".
        QCOMPARE(cell(0, ExchangeTableModel::Verdict).toString(), QStringLiteral("⚠ warning"));
        QCOMPARE(ExchangeTableModel::verdictLabel(VerdictState::Exposed),
                 QStringLiteral("✓ exposed"));
        // A preflight and its actual request point at each other.
        QCOMPARE(cell(2, ExchangeTableModel::Kind).toString(), QStringLiteral("preflight"));
        QCOMPARE(cell(2, 0, ExchangeTableModel::PairedIdRole).toLongLong(), 4);
        QCOMPARE(cell(3, ExchangeTableModel::Kind).toString(), QStringLiteral("preflighted"));
        QCOMPARE(cell(3, 0, ExchangeTableModel::PairedIdRole).toLongLong(), 3);
        // The far end, read in another block.
        QCOMPARE(cell(99'999, ExchangeTableModel::Id).toLongLong(), 100'000);
        QCOMPARE(cell(100'000, ExchangeTableModel::Id), QVariant()); // out of range

        // Filters, each against a count made from the session's rows.
        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        QCOMPARE(model.rowCount(), expectedRows(s, [](const ExchangeRow &r) {
                     return r.verdict.state == VerdictState::Blocked;
                 }));
        QCOMPARE(model.rowCount(), 25'000);
        QCOMPARE(model.sessionIndex(0), 1);
        QCOMPARE(model.rowOf(5), 1);
        QCOMPARE(model.rowOf(4), -1);
        QCOMPARE(model.data(model.index(1, ExchangeTableModel::Id)).toLongLong(), 6);

        ExchangeFilter text;
        text.text = QStringLiteral("ITEMS/2499"); // any case: /items/2499 and /items/24990..24999
        model.setFilter(text);
        QCOMPARE(model.rowCount(), 4 * 11);

        ExchangeFilter byError;
        byError.text = QStringLiteral("originmismatch");
        model.setFilter(byError);
        QCOMPARE(model.rowCount(), 25'000);

        ExchangeFilter kindAndOrigin;
        kindAndOrigin.kind = ExchangeKind::Preflight;
        kindAndOrigin.origin = kApp;
        model.setFilter(kindAndOrigin);
        QCOMPARE(model.rowCount(), 25'000);
        kindAndOrigin.origin = kEvil;
        model.setFilter(kindAndOrigin);
        QCOMPARE(model.rowCount(), 0);

        model.setFilter({});
        QCOMPARE(model.rowCount(), 100'000);
    }

    void followsTheSessionWhileFiltered()
    {
        Session s;
        ExchangeTableModel model(&s);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        appendExchanges(s, 0, 400);
        QCOMPARE(model.rowCount(), 400);

        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        QCOMPARE(model.rowCount(), 100);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        appendExchanges(s, 400, 40); // 10 more blocked
        QCOMPARE(model.rowCount(), 110);
        QVERIFY(!inserted.isEmpty());
        QCOMPARE(model.sessionIndex(109), 437);

        // Judged again for another browser: the rows are re-read, the model stays consistent.
        const cors::BrowserProfile *firefox =
            cors::BrowserProfile::byName(QStringLiteral("firefox"));
        QVERIFY(firefox);
        s.setProfile(*firefox);
        QCOMPARE(model.rowCount(), expectedRows(s, [](const ExchangeRow &r) {
                     return r.verdict.state == VerdictState::Blocked;
                 }));

        model.setFilter({});
        QCOMPARE(model.rowCount(), 440);
        s.clear();
        QCOMPARE(model.rowCount(), 0);
        appendExchanges(s, 0, 8);
        QCOMPARE(model.rowCount(), 8);
    }

    void rowsChangeWhenAVerdictEntersTheFilter()
    {
        // A preflight is judged again once its actual request arrives in a later batch (its
        // credentials mode comes from that request): with the filter on, rows may appear.
        Session s;
        ExchangeTableModel model(&s);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ExchangeFilter preflights;
        preflights.kind = ExchangeKind::Preflight;
        model.setFilter(preflights);
        s.append({exchange(2)});
        QCOMPARE(model.rowCount(), 1);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        s.append({exchange(3)}); // links back to the preflight: row 0 changes
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(!changed.isEmpty());
        QCOMPARE(model.data(model.index(0, 0), ExchangeTableModel::PairedIdRole).toLongLong(), 2);
    }

    void aPreflightJudgedAgainEntersTheFilter()
    {
        // Alone, a preflight without Access-Control-Allow-Credentials is not blocked (whether
        // credentials come is unknown); once its actual request arrives with a cookie it is, and
        // it must appear among the blocked rows, in id order, before that request.
        Session s;
        ExchangeTableModel model(&s);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        s.append({exchange(1), exchange(2)}); // a blocked GET, then the preflight
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rowOf(1), -1);
        CapturedExchange put = exchange(3);
        put.requestHeaders.append(base::HeaderList::value_type("Cookie", "session=1"));
        s.append({put});
        QCOMPARE(s.row(1).verdict.state, VerdictState::Blocked);
        QCOMPARE(model.rowOf(1), 1);
        QCOMPARE(model.sessionIndex(0), 0);
        QCOMPARE(model.rowCount(), expectedRows(s, [](const ExchangeRow &r) {
                     return r.verdict.state == VerdictState::Blocked;
                 }));
    }

    void theWorkerScanGivesTheSameRows()
    {
        Session s;
        appendExchanges(s, 0, 4000);
        ExchangeTableModel reference(&s); // a small session: filtered at once
        ExchangeTableModel model(&s);
        scanOnWorker(model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy busy(&model, &ExchangeTableModel::filteringChanged);
        QSignalSpy applied(&model, &ExchangeTableModel::filterApplied);
        for (const ExchangeFilter &f : sampleFilters()) {
            reference.setFilter(f);
            QVERIFY(!reference.isFiltering());
            const QList<qsizetype> before = shownIndices(model);
            busy.clear();
            applied.clear();
            model.setFilter(f);
            QVERIFY(model.isFiltering());
            QCOMPARE(model.filter(), f);
            QCOMPARE(busy.count(), 1);
            QCOMPARE(busy.at(0).at(0).toBool(), true);
            QCOMPARE(shownIndices(model), before); // the previous rows, until the scan ends
            QTRY_COMPARE(applied.count(), 1);
            QVERIFY(!model.isFiltering());
            QCOMPARE(busy.count(), 2);
            QCOMPARE(busy.at(1).at(0).toBool(), false);
            QCOMPARE(shownIndices(model), shownIndices(reference));
        }
        QCOMPARE(model.rowCount(), 0); // the last filter matches nothing
        // No filter: at once, no scan.
        applied.clear();
        model.setFilter({});
        QVERIFY(!model.isFiltering());
        QCOMPARE(applied.count(), 1);
        QCOMPARE(model.rowCount(), 4000);
    }

    // The browser's background traffic leaves the list by its mark: at once and on the worker
    // (the same rows), with another criterion, and as rows keep coming while it is hidden.
    void backgroundTrafficIsFilteredOut()
    {
        Session s;
        appendExchanges(s, 0, 4000);
        CapturedExchange update = X("CONNECT", "update.googleapis.com:443");
        update.type = CapturedExchange::Type::Tunnel;
        update.tunnel.host = "update.googleapis.com";
        update.tunnel.port = 443;
        s.append(QList<CapturedExchange>(1000, update));
        appendExchanges(s, 4000, 1000);
        ExchangeFilter hide;
        hide.hideBackground = true;
        QVERIFY(!hide.isEmpty());
        ExchangeTableModel reference(&s);
        reference.setFilter(hide);
        QCOMPARE(reference.rowCount(), 5000);
        QVERIFY(!shownIndices(reference).contains(4000));
        QVERIFY(!shownIndices(reference).contains(4999));
        QCOMPARE(reference.sessionIndex(4000), 5000);
        ExchangeTableModel model(&s);
        scanOnWorker(model);
        model.setFilter(hide);
        QTRY_VERIFY(!model.isFiltering());
        QCOMPARE(shownIndices(model), shownIndices(reference));

        ExchangeFilter tunnels = hide;
        tunnels.kind = ExchangeKind::Tunnel;
        reference.setFilter(tunnels);
        QCOMPARE(reference.rowCount(), 0);
        reference.setFilter({});
        QCOMPARE(reference.rowCount(), 6000);

        s.append({update, exchange(5000)});
        QCOMPARE(model.rowCount(), 5001);
        QCOMPARE(model.sessionIndex(5000), 6001);
        QCOMPARE(reference.rowCount(), 6002);
    }

    // With nothing to hide the list is not filtered (no scan of an opened store); the first
    // background exchange makes the filter apply, to every row.
    void hidingBackgroundWaitsForBackgroundTraffic()
    {
        Session s;
        appendExchanges(s, 0, 200);
        ExchangeTableModel model(&s);
        ExchangeFilter hide;
        hide.hideBackground = true;
        model.setFilter(hide);
        QCOMPARE(model.rowCount(), 200);
        QCOMPARE(model.sessionIndex(199), 199);
        CapturedExchange update = X("CONNECT", "update.googleapis.com:443");
        update.type = CapturedExchange::Type::Tunnel;
        update.tunnel.host = "update.googleapis.com";
        update.tunnel.port = 443;
        s.append({update});
        appendExchanges(s, 200, 10);
        QCOMPARE(model.rowCount(), 210);
        QVERIFY(!shownIndices(model).contains(200));
        QCOMPARE(model.sessionIndex(200), 201);
    }

    // An exchange whose browser verdict differs from the engine's is flagged in the Verdict
    // column, with the role views and filters read; one that agrees is not.
    void aDisagreeingBrowserIsFlagged()
    {
        Session s;
        CapturedExchange agrees = exchange(1); // blocked: the origin is not allowed
        session::BrowserReport blocked;
        blocked.browser = QStringLiteral("Chrome/156.0");
        blocked.corsError = QStringLiteral("AllowOriginMismatch");
        agrees.browserReport = blocked;
        CapturedExchange disagrees = exchange(4); // exposed by the engine
        blocked.corsError = QStringLiteral("MissingAllowOriginHeader");
        disagrees.browserReport = blocked;
        s.append({agrees, disagrees});
        ExchangeTableModel model(&s);
        const QModelIndex first = model.index(0, ExchangeTableModel::Verdict);
        const QModelIndex second = model.index(1, ExchangeTableModel::Verdict);
        QCOMPARE(model.data(first, ExchangeTableModel::BrowserAgreementRole).toInt(),
                 int(session::BrowserAgreement::Agrees));
        QVERIFY(!model.data(first).toString().contains(QStringLiteral("disagrees")));
        QCOMPARE(model.data(second, ExchangeTableModel::BrowserAgreementRole).toInt(),
                 int(session::BrowserAgreement::Disagrees));
        QVERIFY(model.data(second).toString().startsWith(QStringLiteral("⚠")));
        QVERIFY(
            model.data(second, Qt::ToolTipRole).toString().contains(QStringLiteral("disagree")));
    }

    void aNewerFilterWins()
    {
        Session s;
        appendExchanges(s, 0, 4000);
        ExchangeTableModel reference(&s);
        ExchangeTableModel model(&s);
        scanOnWorker(model);
        QSignalSpy busy(&model, &ExchangeTableModel::filteringChanged);
        QSignalSpy applied(&model, &ExchangeTableModel::filterApplied);
        const QList<ExchangeFilter> filters = sampleFilters();
        model.setFilter(filters.at(0));
        model.setFilter(filters.at(1)); // cancels the first scan
        QTRY_COMPARE(applied.count(), 1);
        reference.setFilter(filters.at(1));
        QCOMPARE(shownIndices(model), shownIndices(reference));
        QCOMPARE(busy.count(), 2); // busy once, through both scans

        // Back to the filter the rows already follow while another scan runs: no scan at all.
        model.setFilter(filters.at(2));
        QVERIFY(model.isFiltering());
        model.setFilter(filters.at(1));
        QVERIFY(!model.isFiltering());
        QCOMPARE(applied.count(), 2);
        QCOMPARE(shownIndices(model), shownIndices(reference));
        // The cancelled scan's result, if it was already posted, changes nothing.
        QTest::qWait(0);
        QCOMPARE(applied.count(), 2);
        QCOMPARE(shownIndices(model), shownIndices(reference));
    }

    void rowsAddedDuringAScanAreListed()
    {
        Session s;
        appendExchanges(s, 0, 3000);
        ExchangeTableModel model(&s);
        scanOnWorker(model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy applied(&model, &ExchangeTableModel::filterApplied);
        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        appendExchanges(s, 3000, 1000); // while the worker reads the first rows
        QTRY_COMPARE(applied.count(), 1);
        ExchangeTableModel reference(&s);
        reference.setFilter(blocked);
        QCOMPARE(model.rowCount(), 1000);
        QCOMPARE(shownIndices(model), shownIndices(reference));
        QCOMPARE(model.sessionIndex(999), 3997);
    }

    void aRejudgeDuringAScanIsSeen()
    {
        // A profile switch changes every verdict while the worker reads: the rows shown at the
        // end follow the new verdicts.
        Session s;
        appendExchanges(s, 0, 2000);
        ExchangeTableModel model(&s);
        scanOnWorker(model);
        QSignalSpy applied(&model, &ExchangeTableModel::filterApplied);
        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        const cors::BrowserProfile *firefox =
            cors::BrowserProfile::byName(QStringLiteral("firefox"));
        QVERIFY(firefox);
        s.setProfile(*firefox);
        QTRY_COMPARE(applied.count(), 1);
        ExchangeTableModel reference(&s);
        reference.setFilter(blocked);
        QCOMPARE(shownIndices(model), shownIndices(reference));
    }

    void aRowJudgedAgainDuringAScanIsReadAgain()
    {
        // Few rows change (a preflight linked to its request): the scan keeps going and only
        // those rows are read again at its end.
        Session s;
        appendExchanges(s, 0, 1999); // ends with a preflight, not blocked alone
        ExchangeTableModel model(&s);
        model.setAsyncThreshold(10);
        model.setScanChunkRows(97);
        QSignalSpy applied(&model, &ExchangeTableModel::filterApplied);
        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        QVERIFY(model.isFiltering());
        CapturedExchange put = exchange(1999);
        put.requestHeaders.append(base::HeaderList::value_type("Cookie", "session=1"));
        s.append({put}); // the preflight, row 1998, is now blocked
        QCOMPARE(s.row(1998).verdict.state, VerdictState::Blocked);
        QTRY_COMPARE(applied.count(), 1);
        ExchangeTableModel reference(&s);
        reference.setFilter(blocked);
        QCOMPARE(shownIndices(model), shownIndices(reference));
        QVERIFY(model.rowOf(1998) >= 0);
    }

    void rowsAddedFromAnotherThreadDuringAScan()
    {
        // As the proxy's session thread does: the model hears of new rows through queued
        // signals while its worker scans.
        Session s;
        appendExchanges(s, 0, 2000);
        ExchangeTableModel model(&s);
        scanOnWorker(model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        std::thread capture([&s] {
            for (qint64 first = 2000; first < 4000; first += 100)
                appendExchanges(s, first, 100);
        });
        QTRY_VERIFY(!model.isFiltering());
        capture.join();
        QTRY_COMPARE(model.rowCount(), 1000);
        ExchangeTableModel reference(&s);
        reference.setFilter(blocked);
        QCOMPARE(shownIndices(model), shownIndices(reference));
    }

    void clearEndsAScan()
    {
        Session s;
        appendExchanges(s, 0, 2000);
        ExchangeTableModel model(&s);
        scanOnWorker(model);
        QSignalSpy busy(&model, &ExchangeTableModel::filteringChanged);
        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        s.clear();
        QVERIFY(!model.isFiltering());
        QCOMPARE(busy.count(), 2);
        QCOMPARE(model.rowCount(), 0);
        appendExchanges(s, 0, 8); // the filter asked for applies to what comes next
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.sessionIndex(1), 5);
    }

    void droppedRowsLeaveTheFront()
    {
        // The session's retention drops the oldest rows and says so; its own test checks the
        // dropping: here the signal is emitted by hand, so the model's rows are checked by index.
        Session s;
        // (No QAbstractItemModelTester: it compares cells across the removal, and this session
        // still holds the rows the model was told are gone.)
        appendExchanges(s, 0, 400);
        ExchangeTableModel model(&s);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        Q_EMIT s.exchangesDropped(100, 100);
        QCOMPARE(model.rowCount(), 300);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 0);
        QCOMPARE(removed.at(0).at(2).toInt(), 99);
        QCOMPARE(model.sessionIndex(299), 299);
        QCOMPARE(model.rowOf(300), -1);

        // Filtered: matches below the cut go, the rest shift down. Blocked rows are 1, 5, 9...
        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        QCOMPARE(model.rowCount(), 75);
        removed.clear();
        model.onDropped(10, 110); // 1, 5, 9 go; 13 becomes 3
        QCOMPARE(model.rowCount(), 72);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(2).toInt(), 2);
        QCOMPARE(model.sessionIndex(0), 3);
        QCOMPARE(model.rowOf(3), 0);
        QCOMPARE(model.sessionIndex(71), 287);
        model.onDropped(2, 112); // no match below: only the shift
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.sessionIndex(0), 1);
        model.onDropped(1000, 1112); // more than is listed
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.rowOf(0), -1);
    }

    // A real drop racing the rows' arrival: the session appends and then drops on another
    // thread, so both signals are still queued when the list reads the session, which is
    // already past the drop. The filtered list must hold exactly the blocked exchanges left.
    void aDropBehindQueuedRowsListsTheRightExchanges()
    {
        Session s;
        appendExchanges(s, 0, 400);
        ExchangeTableModel model(&s);
        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        QCOMPARE(model.rowCount(), 100);
        std::thread other([&] {
            appendExchanges(s, 400, 40);
            s.dropOldest(50);
        });
        other.join();
        QTRY_COMPARE(model.rowCount(), expectedRows(s, [](const ExchangeRow &r) {
                         return r.verdict.state == VerdictState::Blocked;
                     }));
        QCoreApplication::processEvents();
        QList<qint64> listed;
        for (int row = 0; row < model.rowCount(); ++row)
            listed << model.index(row, 0).data(ExchangeTableModel::IdRole).toLongLong();
        QList<qint64> expected;
        for (qsizetype i = 0; i < s.count(); ++i)
            if (s.row(i).verdict.state == VerdictState::Blocked)
                expected << s.row(i).id;
        QCOMPARE(listed, expected);
    }

    void aDropDuringAScanStartsItAgain()
    {
        Session s;
        appendExchanges(s, 0, 400);
        ExchangeTableModel model(&s);
        scanOnWorker(model);
        QSignalSpy applied(&model, &ExchangeTableModel::filterApplied);
        ExchangeFilter blocked;
        blocked.blockedOnly = true;
        model.setFilter(blocked);
        Q_EMIT s.exchangesDropped(100, 100);
        QVERIFY(model.isFiltering());
        QTRY_COMPARE(applied.count(), 1);
        // The session here keeps its rows (the signal was faked): the model lists the first
        // 300, as it would the 300 left after a real drop.
        QCOMPARE(model.rowCount(), 75);
        QCOMPARE(model.sessionIndex(0), 1);
        QCOMPARE(model.sessionIndex(74), 297);
    }
};

QTEST_MAIN(TstExchangeTableModel)
#include "tst_exchange_table_model.moc"
