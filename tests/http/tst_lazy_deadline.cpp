// LazyDeadline: fires once, never before its deadline, follows every move, and not at all once
// disarmed; on a real event loop.
#include "http/lazy_deadline.h"

#include <QElapsedTimer>
#include <QtTest>

using corslab::http::LazyDeadline;

class TstLazyDeadline : public QObject
{
    Q_OBJECT

private:
    struct Probe
    {
        int fired = 0;
        qint64 firedAtMs = -1;
        QElapsedTimer clock;
        LazyDeadline deadline{[this] {
            ++fired;
            firedAtMs = clock.elapsed();
        }};
        Probe() { clock.start(); }
    };

    static void spin(int ms)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }

private Q_SLOTS:
    void firesOnceNotBeforeItsDeadline()
    {
        Probe p;
        p.deadline.arm(60);
        QVERIFY(p.deadline.isArmed());
        QTRY_COMPARE_WITH_TIMEOUT(p.fired, 1, 5000);
        QVERIFY2(p.firedAtMs >= 60, qPrintable(QString::number(p.firedAtMs)));
        QVERIFY(!p.deadline.isArmed());
        spin(150);
        QCOMPARE(p.fired, 1);
    }

    void movedLaterFiresAtTheNewDeadline()
    {
        Probe p;
        p.deadline.arm(80);
        spin(50);
        p.deadline.arm(80); // now due at ~130 ms: the first timer finds it moved and re-arms
        QTRY_COMPARE_WITH_TIMEOUT(p.fired, 1, 5000);
        QVERIFY2(p.firedAtMs >= 130, qPrintable(QString::number(p.firedAtMs)));
        spin(150);
        QCOMPARE(p.fired, 1);
    }

    void movedEarlierFiresEarlier()
    {
        Probe p;
        p.deadline.arm(60000);
        p.deadline.arm(30);
        QTRY_COMPARE_WITH_TIMEOUT(p.fired, 1, 5000); // long before the first deadline
        QVERIFY(p.firedAtMs >= 30);
    }

    void disarmedNeverFires()
    {
        Probe p;
        p.deadline.arm(30);
        p.deadline.disarm();
        QVERIFY(!p.deadline.isArmed());
        spin(200);
        QCOMPARE(p.fired, 0);
        // Armed again after that, it works as before.
        p.deadline.arm(20);
        QTRY_COMPARE_WITH_TIMEOUT(p.fired, 1, 5000);
    }

    void rearmedFromItsOwnCallback()
    {
        int fired = 0;
        LazyDeadline *self = nullptr;
        LazyDeadline deadline([&] {
            if (++fired < 3)
                self->arm(10);
        });
        self = &deadline;
        deadline.arm(10);
        QTRY_COMPARE_WITH_TIMEOUT(fired, 3, 5000);
        spin(100);
        QCOMPARE(fired, 3);
    }
};

QTEST_GUILESS_MAIN(TstLazyDeadline)
#include "tst_lazy_deadline.moc"
