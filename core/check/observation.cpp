#include "observation.h"

namespace corslab::check {

bool varyCoversOrigin(const base::HeaderList &responseHeaders)
{
    // Vary may come as several fields; every member of every one counts.
    const base::ExtractedValues vary = base::extractHeaderListValues(responseHeaders, "vary");
    return vary.contains("*") || vary.containsIgnoreCase("origin");
}

} // namespace corslab::check
