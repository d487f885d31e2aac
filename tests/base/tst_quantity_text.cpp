// Sizes and durations as people write them (--retain-disk 20G, --retain-age 12h) and sizes as
// the status bar prints them.
#include "base/quantity_text.h"

#include <QtTest>

using namespace corslab::base;

class TestQuantityText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void byteSizes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("bytes"); // -1: refused
        QTest::newRow("bytes") << QStringLiteral("512") << qint64(512);
        QTest::newRow("K") << QStringLiteral("300K") << qint64(300) * 1024;
        QTest::newRow("MB") << QStringLiteral("20MB") << (qint64(20) << 20);
        QTest::newRow("MiB, lower case, spaces")
            << QStringLiteral(" 20 mib ") << (qint64(20) << 20);
        QTest::newRow("fraction") << QStringLiteral("1.5G") << (qint64(3) << 29);
        QTest::newRow("T") << QStringLiteral("2T") << (qint64(2) << 40);
        QTest::newRow("empty") << QString() << qint64(-1);
        QTest::newRow("words") << QStringLiteral("lots") << qint64(-1);
        QTest::newRow("negative") << QStringLiteral("-5M") << qint64(-1);
        QTest::newRow("unknown unit") << QStringLiteral("5X") << qint64(-1);
        QTest::newRow("too large") << QStringLiteral("99999999T") << qint64(-1);
    }
    void byteSizes()
    {
        QFETCH(QString, text);
        QFETCH(qint64, bytes);
        QCOMPARE(parseByteSize(text).value_or(-1), bytes);
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds"); // -1: refused
        QTest::newRow("seconds") << QStringLiteral("90") << qint64(90);
        QTest::newRow("s") << QStringLiteral("90s") << qint64(90);
        QTest::newRow("m") << QStringLiteral("30m") << qint64(1800);
        QTest::newRow("h") << QStringLiteral("12h") << qint64(43200);
        QTest::newRow("d, upper case") << QStringLiteral("7D") << qint64(604800);
        QTest::newRow("fraction") << QStringLiteral("1.5h") << qint64(5400);
        QTest::newRow("words") << QStringLiteral("3 weeks") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        QCOMPARE(parseDuration(text).value_or(-1), seconds);
    }

    void sizesForPeople()
    {
        QCOMPARE(formatByteSize(0), QStringLiteral("0 B"));
        QCOMPARE(formatByteSize(812), QStringLiteral("812 B"));
        QCOMPARE(formatByteSize(3565158), QStringLiteral("3.4 MB"));
        QCOMPARE(formatByteSize(qint64(81) << 27), QStringLiteral("10.1 GB"));
    }
};

QTEST_GUILESS_MAIN(TestQuantityText)
#include "tst_quantity_text.moc"
