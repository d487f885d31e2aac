// The playground server panel driven like a user (clicks and keys) against a running playground:
// each policy field changes PlaygroundServer::policy() and the next real response on loopback;
// presets; a policy changed elsewhere refills the fields without an echo; invalid input is shown
// and not applied; dangers, cookie options, demo URLs, and a playground that is not running.
#include "server/playground_server.h"
#include "server_panel.h"

#include <QAbstractItemView>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QGroupBox>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>

using namespace corslab;
using policy::CorsPolicy;

namespace {

struct Reply
{
    int status = 0;
    QList<QNetworkReply::RawHeaderPair> headers;
    /// Every value of \a name, joined with ", " as a browser reads them; nullopt when absent.
    std::optional<QByteArray> header(const QByteArray &name) const
    {
        std::optional<QByteArray> out;
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                out = out ? *out + ", " + h.second : h.second;
        }
        return out;
    }
};

/// Replaces a line edit's or a text editor's content by typing, as a user would.
template<typename Edit> void retype(Edit *edit, const QString &text)
{
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(edit, Qt::Key_Delete);
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i > 0)
            QTest::keyClick(edit, Qt::Key_Return);
        QTest::keyClicks(edit, lines[i]);
    }
}

/// Replaces the content by pasting \a text over it: one edit, with no state in between.
template<typename Edit> void paste(Edit *edit, const QString &text)
{
    QGuiApplication::clipboard()->setText(text);
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(edit, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(edit->property(std::is_same_v<Edit, QLineEdit> ? "text" : "plainText").toString(),
             text);
}

/// Clicks a check box on its indicator (a form row stretches the box far beyond its text).
void clickCheckBox(QCheckBox *box)
{
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(6, box->height() / 2));
}

/// Picks the item of \a combo whose data (or, without data, text) is \a value in its popup, as a
/// user clicks it: no item in between becomes current.
void choose(QComboBox *combo, const QVariant &value)
{
    int index = combo->findData(value);
    if (index < 0)
        index = combo->findText(value.toString());
    QVERIFY2(index >= 0, qPrintable(value.toString()));
    combo->showPopup();
    QAbstractItemView *list = combo->view();
    QVERIFY(QTest::qWaitForWindowExposed(list->window()));
    const QModelIndex item = list->model()->index(index, combo->modelColumn());
    list->scrollTo(item);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(item).center());
    QCOMPARE(combo->currentIndex(), index);
}

void setSpin(QSpinBox *spin, int value)
{
    spin->setFocus();
    QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(spin, QString::number(value));
    QTest::keyClick(spin, Qt::Key_Enter);
    QCOMPARE(spin->value(), value);
}

} // namespace

class TestServerPanel : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<server::PlaygroundServer> m_server;
    std::unique_ptr<ui::ServerPanel> m_panel;
    QNetworkAccessManager m_nam;

    template<typename T> T *field(const char *name) const
    {
        T *widget = m_panel->findChild<T *>(QLatin1String(name));
        if (!widget)
            qFatal("no widget named %s", name);
        return widget;
    }

    Reply send(const QByteArray &method, const QByteArray &path,
               const QList<QPair<QByteArray, QByteArray>> &headers)
    {
        QNetworkRequest request(QUrl(QString::fromLatin1(m_server->origins().api + path)));
        request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
        request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
        for (const auto &h : headers)
            request.setRawHeader(h.first, h.second);
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        // A hang guard only: the pass conditions are on the reply's content.
        if (!reply->isFinished() && !finished.wait(30000))
            qWarning("no reply within 30 s");
        Reply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                reply->rawHeaderPairs()};
        reply->deleteLater();
        return r;
    }
    Reply get(const QByteArray &origin) { return send("GET", "/public", {{"Origin", origin}}); }
    Reply preflight(const QByteArray &origin, const QByteArray &method = "PUT",
                    const QByteArray &headers = "x-custom")
    {
        return send("OPTIONS", "/echo",
                    {{"Origin", origin},
                     {"Access-Control-Request-Method", method},
                     {"Access-Control-Request-Headers", headers}});
    }
    QByteArray app() const { return m_server->origins().app; }
    QByteArray evil() const { return m_server->origins().evil; }

private Q_SLOTS:
    void initTestCase() { m_nam.setProxy(QNetworkProxy::NoProxy); }

    void init()
    {
        m_server = std::make_unique<server::PlaygroundServer>(
            server::PlaygroundServer::Options{},
            *CorsPolicy::preset(QStringLiteral("Credentialed allowlist")));
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_panel = std::make_unique<ui::ServerPanel>(m_server.get());
        m_panel->resize(420, 1400);
        m_panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    }

    void cleanup()
    {
        m_panel.reset();
        m_server.reset();
    }

    void showsThePolicyInForce()
    {
        QCOMPARE(field<QComboBox>("preset")->currentText(),
                 QStringLiteral("Credentialed allowlist"));
        QCOMPARE(field<QComboBox>("originMode")->currentData().toInt(),
                 int(CorsPolicy::OriginMode::Allowlist));
        QCOMPARE(field<QPlainTextEdit>("allowlist")->toPlainText(), QStringLiteral("{app}"));
        QVERIFY(field<QCheckBox>("credentials")->isChecked());
        QCOMPARE(field<QLineEdit>("headers")->text(),
                 QStringLiteral("Content-Type, X-Requested-With"));
        QCOMPARE(field<QLineEdit>("expose")->text(), QStringLiteral("X-Total-Count"));
        QVERIFY(field<QCheckBox>("maxAgeEnabled")->isChecked());
        QCOMPARE(field<QSpinBox>("maxAge")->value(), 600);
        QVERIFY(field<QLabel>("serverStatus")
                    ->text()
                    .contains(QString::fromLatin1(m_server->origins().api)));
    }

    void allowOriginModesChangeTheNextResponse()
    {
        auto *mode = field<QComboBox>("originMode");
        QCOMPARE(get(app()).header("Access-Control-Allow-Origin"), app());
        QCOMPARE(get(evil()).header("Access-Control-Allow-Origin"), std::nullopt);

        choose(mode, int(CorsPolicy::OriginMode::None));
        QCOMPARE(m_server->policy().allowOrigin, CorsPolicy::OriginMode::None);
        QCOMPARE(get(app()).header("Access-Control-Allow-Origin"), std::nullopt);

        choose(mode, int(CorsPolicy::OriginMode::Wildcard));
        QCOMPARE(m_server->policy().allowOrigin, CorsPolicy::OriginMode::Wildcard);
        QCOMPARE(get(evil()).header("Access-Control-Allow-Origin"), QByteArray("*"));

        choose(mode, int(CorsPolicy::OriginMode::Echo));
        QCOMPARE(m_server->policy().allowOrigin, CorsPolicy::OriginMode::Echo);
        QCOMPARE(get(evil()).header("Access-Control-Allow-Origin"), evil());

        choose(mode, int(CorsPolicy::OriginMode::Allowlist));
        auto *allowlist = field<QPlainTextEdit>("allowlist");
        QVERIFY(allowlist->isEnabled());
        retype(allowlist, QStringLiteral("{evil}\n") + QString::fromLatin1(app()));
        QCOMPARE(m_server->policy().allowedOrigins,
                 QStringList({QStringLiteral("{evil}"), QString::fromLatin1(app())}));
        QCOMPARE(get(evil()).header("Access-Control-Allow-Origin"), evil());
        QCOMPARE(get(app()).header("Access-Control-Allow-Origin"), app());
        QCOMPARE(get("http://localhost:1").header("Access-Control-Allow-Origin"), std::nullopt);

        choose(mode, int(CorsPolicy::OriginMode::Pattern));
        // The pattern is empty: the mode cannot go live until there is one.
        QCOMPARE(m_server->policy().allowOrigin, CorsPolicy::OriginMode::Allowlist);
        QVERIFY(field<QLabel>("patternError")->isVisible());
        retype(field<QLineEdit>("pattern"), QStringLiteral("^http://127\\.0\\.0\\.1:\\d+$"));
        QCOMPARE(m_server->policy().allowOrigin, CorsPolicy::OriginMode::Pattern);
        QCOMPARE(m_server->policy().originPattern, QStringLiteral("^http://127\\.0\\.0\\.1:\\d+$"));
        QVERIFY(!field<QLabel>("patternError")->isVisible());
        QCOMPARE(get(evil()).header("Access-Control-Allow-Origin"), evil());
        QCOMPARE(get(app()).header("Access-Control-Allow-Origin"), std::nullopt);
    }

    void togglesChangeTheNextResponse()
    {
        clickCheckBox(field<QCheckBox>("credentials"));
        QVERIFY(!m_server->policy().allowCredentials);
        QCOMPARE(get(app()).header("Access-Control-Allow-Credentials"), std::nullopt);
        clickCheckBox(field<QCheckBox>("credentials"));
        QVERIFY(m_server->policy().allowCredentials);
        QCOMPARE(get(app()).header("Access-Control-Allow-Credentials"), QByteArray("true"));

        clickCheckBox(field<QCheckBox>("vary"));
        QVERIFY(!m_server->policy().varyOrigin);
        QCOMPARE(get(app()).header("Vary"), std::nullopt);
        clickCheckBox(field<QCheckBox>("vary"));
        QCOMPARE(get(app()).header("Vary"), QByteArray("Origin"));

        setSpin(field<QSpinBox>("maxAge"), 42);
        QCOMPARE(m_server->policy().maxAge, std::optional<int>(42));
        QCOMPARE(preflight(app()).header("Access-Control-Max-Age"), QByteArray("42"));
        clickCheckBox(field<QCheckBox>("maxAgeEnabled"));
        QCOMPARE(m_server->policy().maxAge, std::nullopt);
        QVERIFY(!field<QSpinBox>("maxAge")->isEnabled());
        QCOMPARE(preflight(app()).header("Access-Control-Max-Age"), std::nullopt);

        setSpin(field<QSpinBox>("preflightStatus"), 401);
        QCOMPARE(m_server->policy().preflightStatus, 401);
        QCOMPARE(preflight(app()).status, 401);
        clickCheckBox(field<QCheckBox>("answerPreflight"));
        QVERIFY(!m_server->policy().answerPreflight);
        QCOMPARE(preflight(app()).status, 404);
        clickCheckBox(field<QCheckBox>("answerPreflight"));
        setSpin(field<QSpinBox>("preflightStatus"), 200);
        QCOMPARE(preflight(app()).status, 200);
    }

    void methodAndHeaderListsChangeTheNextPreflight()
    {
        auto *methodsMode = field<QComboBox>("methodsMode");
        retype(field<QLineEdit>("methods"), QStringLiteral("GET, PATCH"));
        QCOMPARE(m_server->policy().methods,
                 QStringList({QStringLiteral("GET"), QStringLiteral("PATCH")}));
        QCOMPARE(preflight(app()).header("Access-Control-Allow-Methods"), QByteArray("GET, PATCH"));
        choose(methodsMode, int(CorsPolicy::ListMode::Wildcard));
        QCOMPARE(preflight(app()).header("Access-Control-Allow-Methods"), QByteArray("*"));
        choose(methodsMode, int(CorsPolicy::ListMode::Echo));
        QCOMPARE(preflight(app(), "DELETE").header("Access-Control-Allow-Methods"),
                 QByteArray("DELETE"));
        choose(methodsMode, int(CorsPolicy::ListMode::None));
        QCOMPARE(m_server->policy().allowMethods, CorsPolicy::ListMode::None);
        QCOMPARE(preflight(app()).header("Access-Control-Allow-Methods"), std::nullopt);

        auto *headersMode = field<QComboBox>("headersMode");
        retype(field<QLineEdit>("headers"), QStringLiteral("X-Custom, Content-Type"));
        QCOMPARE(preflight(app()).header("Access-Control-Allow-Headers"),
                 QByteArray("X-Custom, Content-Type"));
        choose(headersMode, int(CorsPolicy::ListMode::Echo));
        QCOMPARE(preflight(app(), "PUT", "x-one,x-two").header("Access-Control-Allow-Headers"),
                 QByteArray("x-one,x-two"));
        choose(headersMode, int(CorsPolicy::ListMode::Wildcard));
        QCOMPARE(m_server->policy().allowHeaders, CorsPolicy::ListMode::Wildcard);
        QCOMPARE(preflight(app()).header("Access-Control-Allow-Headers"), QByteArray("*"));
        choose(headersMode, int(CorsPolicy::ListMode::None));
        QCOMPARE(preflight(app()).header("Access-Control-Allow-Headers"), std::nullopt);
    }

    void exposeAndExtraHeadersChangeTheNextResponse()
    {
        retype(field<QLineEdit>("expose"), QStringLiteral("X-Total-Count, X-Request-Id"));
        QCOMPARE(get(app()).header("Access-Control-Expose-Headers"),
                 QByteArray("X-Total-Count, X-Request-Id"));
        retype(field<QLineEdit>("expose"), QString());
        QCOMPARE(get(app()).header("Access-Control-Expose-Headers"), std::nullopt);

        retype(field<QPlainTextEdit>("extraHeaders"),
               QStringLiteral("Access-Control-Allow-Origin: null\nX-Broken:  yes "));
        QCOMPARE(m_server->policy().extraHeaders,
                 base::HeaderList({{"Access-Control-Allow-Origin", "null"}, {"X-Broken", "yes"}}));
        const Reply r = get(app());
        QCOMPARE(r.header("Access-Control-Allow-Origin"), app() + ", null");
        QCOMPARE(r.header("X-Broken"), QByteArray("yes"));
    }

    void presetsApplyAndAnEditMakesThePolicyCustom()
    {
        auto *preset = field<QComboBox>("preset");
        choose(preset, QStringLiteral("Open public API"));
        QCOMPARE(m_server->policy(), *CorsPolicy::preset(QStringLiteral("Open public API")));
        QCOMPARE(field<QComboBox>("originMode")->currentData().toInt(),
                 int(CorsPolicy::OriginMode::Wildcard));
        QVERIFY(!field<QCheckBox>("credentials")->isChecked());
        QCOMPARE(get(evil()).header("Access-Control-Allow-Origin"), QByteArray("*"));

        choose(preset, QStringLiteral("No CORS"));
        QCOMPARE(m_server->policy().name, QStringLiteral("No CORS"));
        QCOMPARE(preflight(app()).status, 404);

        // Every preset, picked from the menu, is the policy in force and shown as such.
        for (const QString &name : CorsPolicy::presetNames()) {
            choose(preset, name);
            QCOMPARE(m_server->policy(), *CorsPolicy::preset(name));
            QCOMPARE(preset->currentText(), name);
        }

        clickCheckBox(field<QCheckBox>("vary"));
        QCOMPARE(preset->currentText(), QStringLiteral("custom"));
        QCOMPARE(m_server->policy().name, QStringLiteral("custom"));
        // Undoing the edit is the preset again.
        clickCheckBox(field<QCheckBox>("vary"));
        QCOMPARE(preset->currentText(), CorsPolicy::presetNames().last());
    }

    void aPolicyChangedElsewhereRefillsTheFieldsWithoutAnEcho()
    {
        QSignalSpy changed(m_server.get(), &server::PlaygroundServer::policyChanged);
        CorsPolicy fix = *CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        fix.allowedOrigins = {QStringLiteral("{app}"), QStringLiteral("https://shop.example")};
        fix.methods = {QStringLiteral("PATCH")};
        fix.maxAge.reset();
        fix.extraHeaders = {{"X-Fixed", "1"}};
        fix.name = QStringLiteral("custom");
        m_server->setPolicy(fix);
        QCOMPARE(changed.size(), 1); // the panel did not set the policy back
        QCOMPARE(m_server->policy(), fix);
        QCOMPARE(field<QPlainTextEdit>("allowlist")->toPlainText(),
                 QStringLiteral("{app}\nhttps://shop.example"));
        QCOMPARE(field<QLineEdit>("methods")->text(), QStringLiteral("PATCH"));
        QVERIFY(!field<QCheckBox>("maxAgeEnabled")->isChecked());
        QCOMPARE(field<QPlainTextEdit>("extraHeaders")->toPlainText(),
                 QStringLiteral("X-Fixed: 1"));
        QCOMPARE(field<QComboBox>("preset")->currentText(), QStringLiteral("custom"));

        // A preset set from elsewhere shows its name.
        m_server->setPolicy(*CorsPolicy::preset(QStringLiteral("No CORS")));
        QCOMPARE(field<QComboBox>("preset")->currentText(), QStringLiteral("No CORS"));
        QCOMPARE(field<QComboBox>("originMode")->currentData().toInt(),
                 int(CorsPolicy::OriginMode::None));
        QCOMPARE(changed.size(), 2);
    }

    void invalidInputIsShownAndNotApplied()
    {
        const CorsPolicy before = m_server->policy();
        auto *allowlistError = field<QLabel>("allowlistError");
        QVERIFY(!allowlistError->isVisible());
        paste(field<QPlainTextEdit>("allowlist"), QStringLiteral("{app}\nhttp://localhost:3000/"));
        QVERIFY(allowlistError->isVisible());
        QVERIFY2(allowlistError->text().contains(QStringLiteral("line 2")),
                 qPrintable(allowlistError->text()));
        QVERIFY(allowlistError->text().contains(QStringLiteral("expected")));
        paste(field<QPlainTextEdit>("allowlist"), QStringLiteral("HTTP://LOCALHOST:3000"));
        QVERIFY(allowlistError->text().contains(QStringLiteral("http://localhost:3000")));
        QCOMPARE(m_server->policy().allowedOrigins, before.allowedOrigins);
        QCOMPARE(get(app()).header("Access-Control-Allow-Origin"), app());

        paste(field<QLineEdit>("headers"), QStringLiteral("Content-Type, X Custom"));
        QVERIFY(field<QLabel>("headersError")->isVisible());
        QVERIFY(field<QLabel>("headersError")->text().contains(QStringLiteral("\"X Custom\"")));
        QCOMPARE(m_server->policy().headers, before.headers);

        paste(field<QLineEdit>("methods"), QStringLiteral("GET, PUT(")); // '(' is no tchar
        QVERIFY(field<QLabel>("methodsError")->isVisible());
        QCOMPARE(m_server->policy().methods, before.methods);

        paste(field<QLineEdit>("expose"), QStringLiteral("X-Total-Count; X-Other"));
        QVERIFY(field<QLabel>("exposeError")->isVisible());
        QCOMPARE(m_server->policy().exposeHeaders, before.exposeHeaders);

        paste(field<QPlainTextEdit>("extraHeaders"), QStringLiteral("X-Ok: 1\nno colon here"));
        QVERIFY(field<QLabel>("extraHeadersError")->text().contains(QStringLiteral("line 2")));
        QCOMPARE(m_server->policy().extraHeaders, before.extraHeaders);

        choose(field<QComboBox>("originMode"), int(CorsPolicy::OriginMode::Pattern));
        paste(field<QLineEdit>("pattern"), QStringLiteral("^http://(localhost"));
        QVERIFY(field<QLabel>("patternError")
                    ->text()
                    .contains(QStringLiteral("valid regular expression")));
        QCOMPARE(m_server->policy().allowOrigin, CorsPolicy::OriginMode::Allowlist);
        QCOMPARE(m_server->policy().originPattern, before.originPattern);
        QCOMPARE(get(app()).header("Access-Control-Allow-Origin"), app());

        // Valid fields still apply while others are wrong.
        clickCheckBox(field<QCheckBox>("credentials"));
        QVERIFY(!m_server->policy().allowCredentials);

        // Fixing the input applies it and clears the error.
        retype(field<QLineEdit>("headers"), QStringLiteral("Content-Type, X-Custom"));
        QVERIFY(!field<QLabel>("headersError")->isVisible());
        QCOMPARE(m_server->policy().headers,
                 QStringList({QStringLiteral("Content-Type"), QStringLiteral("X-Custom")}));
    }

    void showsTheDangers()
    {
        auto *dangers = field<QLabel>("dangers");
        QVERIFY(dangers->text().startsWith(QStringLiteral("✓")));
        choose(field<QComboBox>("preset"),
               QStringLiteral("Misconfigured: reflect any origin with credentials"));
        QVERIFY(dangers->text().startsWith(QStringLiteral("⚠ Dangerous")));
        QCOMPARE(dangers->text().count(QStringLiteral("⚠")), m_server->policy().dangers().size());
        choose(field<QComboBox>("preset"), QStringLiteral("Credentialed allowlist"));
        QVERIFY(!dangers->text().contains(QStringLiteral("⚠")));
        clickCheckBox(field<QCheckBox>("answerPreflight"));
        QVERIFY(dangers->text().contains(QStringLiteral("404")));
    }

    void cookieOptionsReachTheLogin()
    {
        QCOMPARE(send("POST", "/login", {}).header("Set-Cookie")->contains("SameSite=Lax"), true);
        choose(field<QComboBox>("cookieSameSite"), QStringLiteral("None"));
        QVERIFY(field<QLabel>("cookieNote")->isVisible()); // None without Secure is refused
        clickCheckBox(field<QCheckBox>("cookieSecure"));
        QVERIFY(!field<QLabel>("cookieNote")->isVisible());
        const QByteArray cookie = send("POST", "/login", {}).header("Set-Cookie").value_or("");
        QVERIFY2(cookie.contains("SameSite=None") && cookie.endsWith("; Secure"),
                 cookie.constData());
        QCOMPARE(m_panel->cookieOptions().sameSite, QByteArray("None"));

        m_panel->setCookieOptions({QByteArrayLiteral("Strict"), false});
        QCOMPARE(field<QComboBox>("cookieSameSite")->currentText(), QStringLiteral("Strict"));
        QVERIFY(!field<QCheckBox>("cookieSecure")->isChecked());
        const QByteArray strict = send("POST", "/login", {}).header("Set-Cookie").value_or("");
        QVERIFY2(strict.contains("SameSite=Strict") && !strict.contains("Secure"),
                 strict.constData());
    }

    void demoUrlsOpenAndCopy()
    {
        QSignalSpy open(m_panel.get(), &ui::ServerPanel::openInBrowserRequested);
        QTest::mouseClick(field<QPushButton>("appUrlOpen"), Qt::LeftButton);
        QTest::mouseClick(field<QPushButton>("evilUrlOpen"), Qt::LeftButton);
        QTest::mouseClick(field<QPushButton>("apiUrlOpen"), Qt::LeftButton);
        QCOMPARE(open.size(), 3);
        QCOMPARE(open[0][0].toUrl(), m_server->appPageUrl());
        QCOMPARE(open[1][0].toUrl(), m_server->evilPageUrl());
        QCOMPARE(open[2][0].toUrl(),
                 QUrl(QString::fromLatin1(m_server->origins().api + "/public")));

        QTest::mouseClick(field<QPushButton>("evilUrlCopy"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), m_server->evilPageUrl().toString());
    }

    void saysWhyThePlaygroundIsNotRunning()
    {
        ui::ServerPanel missing(nullptr, QStringLiteral("port 8080 in use"));
        auto *status = missing.findChild<QLabel *>(QStringLiteral("serverStatus"));
        QVERIFY(status->text().contains(QStringLiteral("port 8080 in use")));
        QVERIFY(!missing.findChild<QComboBox *>(QStringLiteral("originMode"))->isEnabled());
        QVERIFY(!missing.findChild<QPushButton *>(QStringLiteral("appUrlOpen"))->isEnabled());

        m_server->stop();
        m_panel->setServerState(QStringLiteral("stopped by the user"));
        QVERIFY(
            field<QLabel>("serverStatus")->text().contains(QStringLiteral("stopped by the user")));
        QVERIFY(!field<QPushButton>("appUrlOpen")->isEnabled());
        // The policy can still be edited: it applies when the playground starts again.
        clickCheckBox(field<QCheckBox>("credentials"));
        QVERIFY(!m_server->policy().allowCredentials);
    }
};

QTEST_MAIN(TestServerPanel)
#include "tst_server_panel.moc"
