#pragma once

#include "cors/scenario.h"

#include <QMetaType>

/// A fluent builder so that test rows read like the scenario they describe.
class ScenarioBuilder
{
public:
    static constexpr const char *kOrigin = "http://app.test:8080";
    static constexpr const char *kUrl = "http://api.test:8081/items";

    ScenarioBuilder()
    {
        m_s.setUrl(QUrl(QString::fromLatin1(kUrl)));
        origin(QString::fromLatin1(kOrigin));
    }
    ScenarioBuilder &browser(const char *name)
    {
        m_s.browser = QString::fromLatin1(name);
        return *this;
    }
    ScenarioBuilder &url(const char *url)
    {
        m_s.setUrl(QUrl(QString::fromLatin1(url)));
        return *this;
    }
    ScenarioBuilder &origin(const QString &origin)
    {
        QString error;
        corslab::cors::Origin::parse(origin, &m_s.origin, &error);
        return *this;
    }
    ScenarioBuilder &origin(const char *origin)
    {
        return this->origin(QString::fromLatin1(origin));
    }
    ScenarioBuilder &method(const QByteArray &method)
    {
        m_s.method = method;
        return *this;
    }
    ScenarioBuilder &header(const QByteArray &name, const QByteArray &value)
    {
        m_s.headers.append({name, value});
        return *this;
    }
    ScenarioBuilder &include()
    {
        m_s.credentials = corslab::cors::CredentialsMode::Include;
        return *this;
    }
    ScenarioBuilder &omit()
    {
        m_s.credentials = corslab::cors::CredentialsMode::Omit;
        return *this;
    }
    ScenarioBuilder &mode(corslab::cors::RequestMode mode)
    {
        m_s.mode = mode;
        return *this;
    }
    ScenarioBuilder &redirectMode(corslab::cors::RedirectMode mode)
    {
        m_s.redirect = mode;
        return *this;
    }
    ScenarioBuilder &preflight(int status, const corslab::base::HeaderList &headers)
    {
        m_s.preflight = corslab::cors::ResponseSpec{status, headers};
        return *this;
    }
    ScenarioBuilder &redirect(int status, const corslab::base::HeaderList &headers)
    {
        m_s.redirects.append({status, headers});
        return *this;
    }
    ScenarioBuilder &response(int status, const corslab::base::HeaderList &headers)
    {
        m_s.response = {status, headers};
        return *this;
    }
    operator corslab::cors::Scenario() const { return m_s; }
    const corslab::cors::Scenario &get() const { return m_s; }

private:
    corslab::cors::Scenario m_s;
};

Q_DECLARE_METATYPE(corslab::cors::Scenario)
