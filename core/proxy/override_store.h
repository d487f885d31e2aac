#pragma once

#include "override_rules.h"

#include <QMutex>
#include <memory>

namespace corslab::proxy {

/// \brief The live override rules, shared by the GUI or CLI (writers) and the proxy's network
/// thread (readers).
///
/// Readers take the compiled set (one shared pointer) per exchange, so a change takes effect on
/// the next request and never in the middle of one.
class OverrideStore
{
public:
    explicit OverrideStore(const OverrideSet &initial = {}, policy::DemoOrigins origins = {})
        : m_origins(std::move(origins))
    {
        m_current = std::make_shared<const OverrideSet>(initial.withOrigins(m_origins));
    }

    std::shared_ptr<const OverrideSet> current() const
    {
        QMutexLocker lock(&m_mutex);
        return m_current;
    }
    /// Replaces the rules; their policies' placeholders stand for the store's demo origins.
    void set(const OverrideSet &rules)
    {
        QMutexLocker lock(&m_mutex); // compiling is cheap and writers are rare
        m_current = std::make_shared<const OverrideSet>(rules.withOrigins(m_origins));
    }
    /// The playground's demo origins, once it is bound (`{app}` in a rule's policy then means it).
    void setOrigins(const policy::DemoOrigins &origins)
    {
        QMutexLocker lock(&m_mutex);
        m_origins = origins;
        m_current = std::make_shared<const OverrideSet>(m_current->withOrigins(m_origins));
    }
    policy::DemoOrigins origins() const
    {
        QMutexLocker lock(&m_mutex);
        return m_origins;
    }

private:
    mutable QMutex m_mutex;
    policy::DemoOrigins m_origins;
    std::shared_ptr<const OverrideSet> m_current;
};

} // namespace corslab::proxy
