// The exchange list's model over a real session: 100,000 exchanges (row count, filters, roles),
// rows added and judged again while filtered, and Qt's own model consistency checks.
#include "../session/chromium_exchanges.h"
#include "exchange_table_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

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
};

QTEST_MAIN(TstExchangeTableModel)
#include "tst_exchange_table_model.moc"
