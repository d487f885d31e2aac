// The pair view and the explanation widgets filled from a real session: what each side shows,
// how lines look, copying to the clipboard, and the buttons' signals carrying the fix.
#include "../session/chromium_exchanges.h"
#include "explanation_widget.h"
#include "pair_view_widget.h"
#include "report/pair_view.h"
#include "session/session.h"

#include <QApplication>
#include <QClipboard>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTextBlock>
#include <QTextBrowser>
#include <QtTest>
#include <memory>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;
using corslab::ui::ExplanationWidget;
using corslab::ui::PairViewWidget;
using Side = PairViewWidget::Side;

namespace {
const QByteArray kItems = "https://api.example.net/items";

// #1 a preflight that allows the app with credentials, #2 the PUT with a cookie answered with
// '*' (blocked), #3 a GET answered for the app (exposed), #4 a preflight with no
// Access-Control-Allow-Origin (nothing after it).
void fill(Session &s)
{
    s.append({X("OPTIONS", kItems, kT0)
                  .request(chromiumPreflight(kApi, kApp, "PUT", "content-type"))
                  .response(204, {{"Access-Control-Allow-Origin", kApp},
                                  {"Access-Control-Allow-Credentials", "true"},
                                  {"Access-Control-Allow-Methods", "GET, PUT"},
                                  {"Access-Control-Allow-Headers", "Content-Type"},
                                  {"Vary", "Origin"}}),
              X("PUT", kItems, kT0 + 20)
                  .request(chromiumFetch(kApi, kApp, "cross-site"))
                  .add("Content-Type", "application/json")
                  .add("Cookie", "sid=1")
                  .response(200, {{"Access-Control-Allow-Origin", "*"},
                                  {"Content-Type", "application/json"}}),
              X("GET", kItems, kT0 + 40)
                  .request(chromiumFetch(kApi, kApp, "cross-site"))
                  .add("Cookie", "sid=1")
                  .response(200, {{"Access-Control-Allow-Origin", kApp},
                                  {"Access-Control-Allow-Credentials", "true"},
                                  {"Vary", "Origin"}}),
              X("OPTIONS", "https://api.example.net/other", kT0 + 60)
                  .request(chromiumPreflight(kApi, kApp, "DELETE", ""))
                  .response(204, {{"Access-Control-Allow-Methods", "DELETE"}})});
}

int indexOfLine(const QStringList &lines, const QString &start)
{
    for (int i = 0; i < lines.size(); ++i) {
        if (lines.at(i).startsWith(start))
            return i;
    }
    return -1;
}

QTextCharFormat formatOfLine(const PairViewWidget &w, Side side, int line)
{
    return w.textView(side)->document()->findBlockByNumber(line).begin().fragment().charFormat();
}

// Invalid when the line has no background of its own.
QColor backgroundOfLine(const PairViewWidget &w, Side side, int line)
{
    const QTextBlockFormat f = w.textView(side)->document()->findBlockByNumber(line).blockFormat();
    return f.hasProperty(QTextFormat::BackgroundBrush) ? f.background().color() : QColor();
}
} // namespace

class TestPairViewWidget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsBothSidesWithMarks()
    {
        Session s;
        fill(s);
        PairViewWidget w;
        w.resize(1200, 600);
        w.show();
        w.showPair(report::buildPairView(s, 1));
        QCOMPARE(w.title(Side::Preflight), QStringLiteral("PREFLIGHT #1"));
        QCOMPARE(w.title(Side::Actual), QStringLiteral("ACTUAL REQUEST #2"));

        const QStringList left = w.shownLines(Side::Preflight);
        QCOMPARE(left.first(), QStringLiteral("→ OPTIONS ") + QLatin1String(kItems));
        QVERIFY(left.contains(QStringLiteral("→ Access-Control-Request-Method: PUT")));
        QVERIFY(left.contains(QStringLiteral("← 204 No Content   ✓ ok")));
        QVERIFY2(left.contains(QStringLiteral("← Access-Control-Allow-Origin: ") +
                               QLatin1String(kApp) + QStringLiteral("   ✓ ok")),
                 qPrintable(left.join(QLatin1Char('\n'))));

        const QStringList right = w.shownLines(Side::Actual);
        const QString decisive = QStringLiteral("← Access-Control-Allow-Origin: *   ✗ failed · "
                                                "decided the verdict · should be: ") +
                                 QLatin1String(kApp);
        QVERIFY2(right.contains(decisive), qPrintable(right.join(QLatin1Char('\n'))));
        const QString missing = QStringLiteral("← (Access-Control-Allow-Credentials missing)   ✗ "
                                               "failed · add: true");
        QVERIFY2(right.contains(missing), qPrintable(right.join(QLatin1Char('\n'))));
        QVERIFY(right.contains(QStringLiteral("→ Cookie: sid=1   credentials")));
        QVERIFY(right.contains(QStringLiteral("→ Content-Type: application/json   needs a "
                                              "preflight")));

        // Looks: CORS lines bold on a tinted background, the decisive one on another, missing
        // in italics, other lines plain.
        const QColor base = w.palette().color(QPalette::Base);
        const int origin = indexOfLine(right, QStringLiteral("→ Origin: "));
        const int acao = right.indexOf(decisive);
        const int acac = right.indexOf(missing);
        const int userAgent = indexOfLine(right, QStringLiteral("→ User-Agent: "));
        QVERIFY(origin > 0 && userAgent > 0);
        QCOMPARE(formatOfLine(w, Side::Actual, origin).fontWeight(), int(QFont::Bold));
        QVERIFY(backgroundOfLine(w, Side::Actual, origin).isValid());
        QVERIFY(backgroundOfLine(w, Side::Actual, origin) != base);
        QVERIFY(backgroundOfLine(w, Side::Actual, acao).isValid());
        QVERIFY(backgroundOfLine(w, Side::Actual, acao) !=
                backgroundOfLine(w, Side::Actual, origin));
        QVERIFY(!backgroundOfLine(w, Side::Actual, userAgent).isValid());
        QVERIFY(formatOfLine(w, Side::Actual, acac).fontItalic());
        QVERIFY(!formatOfLine(w, Side::Actual, acao).fontItalic());
        QVERIFY(formatOfLine(w, Side::Actual, userAgent).fontWeight() != int(QFont::Bold));
        QCOMPARE(w.textView(Side::Actual)->document()->blockCount(), right.size());
    }

    void readableInLightAndDarkThemes_data()
    {
        QTest::addColumn<QColor>("base");
        QTest::addColumn<QColor>("text");
        QTest::addColumn<QColor>("highlight");
        QTest::newRow("light") << QColor(255, 255, 255) << QColor(0, 0, 0) << QColor(48, 140, 198);
        QTest::newRow("dark") << QColor(30, 30, 30) << QColor(230, 230, 230)
                              << QColor(61, 174, 233);
    }

    void readableInLightAndDarkThemes()
    {
        QFETCH(QColor, base);
        QFETCH(QColor, text);
        QFETCH(QColor, highlight);
        Session s;
        fill(s);
        PairViewWidget w;
        w.showPair(report::buildPairView(s, 1));
        QPalette palette = w.palette();
        palette.setColor(QPalette::Base, base);
        palette.setColor(QPalette::Text, text);
        palette.setColor(QPalette::Highlight, highlight);
        w.setPalette(palette); // the widget mixes its backgrounds again from the new palette
        const QStringList right = w.shownLines(Side::Actual);
        const int origin = indexOfLine(right, QStringLiteral("→ Origin: "));
        const int acao = indexOfLine(right, QStringLiteral("← Access-Control-Allow-Origin: *"));
        for (int line : {origin, acao}) {
            const QColor background = backgroundOfLine(w, Side::Actual, line);
            QVERIFY(background.isValid());
            QCOMPARE(formatOfLine(w, Side::Actual, line).foreground().color(), text);
            // Text and background stay far apart in lightness (0..255).
            QVERIFY2(qAbs(background.lightness() - text.lightness()) > 120,
                     qPrintable(background.name() + QLatin1Char(' ') + text.name()));
        }
    }

    void absentSideSaysWhy()
    {
        Session s;
        fill(s);
        PairViewWidget w;
        QSignalSpy curl(&w, &PairViewWidget::copyAsCurlRequested);
        w.showPair(report::buildPairView(s, 3));
        QCOMPARE(w.title(Side::Actual), QStringLiteral("ACTUAL REQUEST"));
        QCOMPARE(w.shownLines(Side::Actual).size(), 1);
        QVERIFY2(w.shownLines(Side::Actual)
                     .first()
                     .startsWith(QLatin1String("never sent: the preflight failed")),
                 qPrintable(w.shownLines(Side::Actual).first()));
        QVERIFY(!w.copyAsCurlButton(Side::Actual)->isEnabled());
        QVERIFY(w.copyAsCurlButton(Side::Preflight)->isEnabled());
        w.copyAsCurlButton(Side::Actual)->click();
        QCOMPARE(curl.size(), 0);
        // The simple GET: no preflight needed, and why.
        w.showPair(report::buildPairView(s, 2));
        QVERIFY(w.shownLines(Side::Preflight)
                    .first()
                    .startsWith(QLatin1String("no preflight needed: GET")));
        w.clear();
        QVERIFY(w.shownLines(Side::Preflight).isEmpty());
        QVERIFY(w.shownLines(Side::Actual).isEmpty());
        QVERIFY(!w.copyAsCurlButton(Side::Preflight)->isEnabled());
    }

    void copyLineAllAndCurl()
    {
        Session s;
        fill(s);
        PairViewWidget w;
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.showPair(report::buildPairView(s, 0)); // from the preflight's half: the same pair
        QCOMPARE(w.title(Side::Actual), QStringLiteral("ACTUAL REQUEST #2"));
        const QStringList right = w.shownLines(Side::Actual);
        const int acao = indexOfLine(right, QStringLiteral("← Access-Control-Allow-Origin: *"));
        QVERIFY(acao > 0);

        // Through the context menu, at the line's position.
        const QPoint at = w.positionOfLine(Side::Actual, acao);
        QCOMPARE(w.lineAt(Side::Actual, at), acao);
        std::unique_ptr<QMenu> menu(w.createLineMenu(Side::Actual, at));
        QAction *copyLine = nullptr;
        QAction *copyAll = nullptr;
        for (QAction *a : menu->actions()) {
            if (a->text() == QLatin1String("Copy line"))
                copyLine = a;
            if (a->text() == QLatin1String("Copy all"))
                copyAll = a;
        }
        QVERIFY(copyLine && copyAll);
        QApplication::clipboard()->clear();
        copyLine->trigger();
        QCOMPARE(QApplication::clipboard()->text(),
                 QStringLiteral("Access-Control-Allow-Origin: *"));

        // A missing line copies the line to add.
        const int acac =
            indexOfLine(right, QStringLiteral("← (Access-Control-Allow-Credentials missing)"));
        w.copyLine(Side::Actual, acac);
        QCOMPARE(QApplication::clipboard()->text(),
                 QStringLiteral("Access-Control-Allow-Credentials: true"));

        copyAll->trigger();
        const QString all = QApplication::clipboard()->text();
        QVERIFY(all.startsWith(QStringLiteral("PUT ") + QLatin1String(kItems) + QLatin1Char('\n')));
        QVERIFY(all.contains(QLatin1String("\nCookie: sid=1\n")));
        QVERIFY(all.contains(QLatin1String("\n200 OK\n")));
        QVERIFY(all.contains(QLatin1String("\nAccess-Control-Allow-Origin: *")));
        QVERIFY(!all.contains(QLatin1String("missing"))); // only what was on the wire
        QVERIFY(!all.contains(QLatin1String("Access-Control-Allow-Credentials")));
        QVERIFY(!all.contains(QStringLiteral("✗")));

        QSignalSpy curl(&w, &PairViewWidget::copyAsCurlRequested);
        w.copyAsCurlButton(Side::Actual)->click();
        w.copyAsCurlButton(Side::Preflight)->click();
        QCOMPARE(curl.size(), 2);
        QCOMPARE(curl.at(0).at(0).value<qsizetype>(), 1);
        QCOMPARE(curl.at(1).at(0).value<qsizetype>(), 0);
    }

    void explanationOfABlockedRequest()
    {
        Session s;
        fill(s);
        const report::PairView pair = report::buildPairView(s, 1);
        ExplanationWidget w;
        w.resize(900, 700);
        w.show();
        w.showExplanation(pair.explanation);
        QCOMPARE(w.headline(), QStringLiteral("✗ BLOCKED — WildcardOriginNotAllowed"));
        const QString body = w.bodyText();
        QVERIFY(body.contains(pair.explanation.summary));
        // The checks with ✓/✗ and their step names, linked to the standard.
        QVERIFY2(body.contains(QStringLiteral("✓")) && body.contains(QStringLiteral("✗")),
                 qPrintable(body));
        QVERIFY(body.contains(QLatin1String("CORS check: Access-Control-Allow-Origin")));
        QVERIFY(w.body()->toHtml().contains(
            QLatin1String("href=\"https://fetch.spec.whatwg.org/#cors-check\"")));
        // Each browser's words.
        QVERIFY(body.contains(QLatin1String("has been blocked by CORS policy")));
        QVERIFY(body.contains(QLatin1String("CORSNotSupportingCredentials")));
        QVERIFY(body.contains(QLatin1String("Cannot use wildcard in Access-Control-Allow-Origin "
                                            "when credentials flag is true.")));
        QVERIFY(body.contains(pair.explanation.fixSteps.first()));

        QVERIFY(!w.fixPanel()->isHidden());
        QCOMPARE(w.fixText(), pair.explanation.fixText());
        QVERIFY(w.fixText().contains(QStringLiteral("Access-Control-Allow-Origin: ") +
                                     QLatin1String(kApp)));
        QApplication::clipboard()->clear();
        w.copyFixButton()->click();
        QCOMPARE(QApplication::clipboard()->text(), pair.explanation.fixText());

        // The buttons hand over the fix of exchange #2 (index 1).
        QList<QPair<qsizetype, cors::Fix>> toPlayground;
        QList<QPair<qsizetype, cors::Fix>> asOverride;
        connect(&w, &ExplanationWidget::applyFixToPlaygroundRequested, this,
                [&](qsizetype index, const cors::Fix &fix) {
                    toPlayground.append({index, fix});
                });
        connect(&w, &ExplanationWidget::applyFixAsOverrideRequested, this,
                [&](qsizetype index, const cors::Fix &fix) {
                    asOverride.append({index, fix});
                });
        QVERIFY(w.applyToPlaygroundButton()->isVisible());
        QVERIFY(w.applyAsOverrideButton()->isVisible());
        w.applyToPlaygroundButton()->click();
        w.applyAsOverrideButton()->click();
        QCOMPARE(toPlayground.size(), 1);
        QCOMPARE(asOverride.size(), 1);
        for (const auto &sent : {toPlayground.first(), asOverride.first()}) {
            QCOMPARE(sent.first, 1);
            QVERIFY(sent.second.response);
            QCOMPARE(sent.second.response->set, pair.explanation.fix->response->set);
            QCOMPARE(base::getHeader(sent.second.response->set, "access-control-allow-origin"),
                     std::optional<QByteArray>(kApp));
        }
    }

    void explanationWithoutAFix()
    {
        Session s;
        fill(s);
        ExplanationWidget w;
        w.show();
        w.showExplanation(report::buildPairView(s, 2).explanation);
        QCOMPARE(w.headline(), QStringLiteral("✓ EXPOSED"));
        QVERIFY(w.fixPanel()->isHidden());
        QVERIFY(!w.applyToPlaygroundButton()->isVisible());
        QVERIFY(!w.applyAsOverrideButton()->isVisible());
        QVERIFY(!w.bodyText().contains(QLatin1String("What the browsers say")));
        // A failed preflight on its own: its fix is for the preflight response.
        w.showExplanation(report::buildPairView(s, 3).explanation);
        QCOMPARE(w.headline(), QStringLiteral("✗ BLOCKED — PreflightMissingAllowOriginHeader"));
        QVERIFY(!w.fixPanel()->isHidden());
        QVERIFY(w.fixText().startsWith(QLatin1String("# Preflight response (OPTIONS ")));
        w.clear();
        QVERIFY(w.headline().isEmpty());
        QVERIFY(w.bodyText().isEmpty());
        QVERIFY(w.fixPanel()->isHidden());
    }
};

QTEST_MAIN(TestPairViewWidget)
#include "tst_pair_view_widget.moc"
