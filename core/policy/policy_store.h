#pragma once

#include "cors_policy.h"

#include <QMutex>
#include <memory>

namespace corslab::policy {

/// \brief The live policy, shared by the GUI (writer) and the network thread (readers).
///
/// Readers take the compiled policy (one shared pointer) per request, so a change takes effect on
/// the next request and never in the middle of one, and answering costs no string building.
class PolicyStore
{
public:
    explicit PolicyStore(CorsPolicy initial = {}, DemoOrigins origins = {})
        : m_policy(std::move(initial)), m_origins(std::move(origins))
    {
        recompile();
    }

    CorsPolicy get() const
    {
        QMutexLocker lock(&m_mutex);
        return m_policy;
    }
    std::shared_ptr<const CompiledPolicy> compiled() const
    {
        QMutexLocker lock(&m_mutex);
        return m_compiled;
    }
    void set(const CorsPolicy &policy)
    {
        QMutexLocker lock(&m_mutex);
        m_policy = policy;
        recompile();
    }
    /// The demo origins the policy's placeholders stand for (known once the server is bound).
    void setOrigins(const DemoOrigins &origins)
    {
        QMutexLocker lock(&m_mutex);
        m_origins = origins;
        recompile();
    }

private:
    void recompile() { m_compiled = std::make_shared<const CompiledPolicy>(m_policy, m_origins); }

    mutable QMutex m_mutex;
    CorsPolicy m_policy;
    DemoOrigins m_origins;
    std::shared_ptr<const CompiledPolicy> m_compiled;
};

} // namespace corslab::policy
