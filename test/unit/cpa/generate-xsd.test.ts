import { generateCpa } from '../../../src/cpa/generate.js';
import { parseCpa } from '../../../src/cpa/parse.js';
import { serializeCpa } from '../../../src/cpa/serialize.js';
import { DK_PROFILES } from '../../../src/cpa/templates.js';
import { adapterFields, hubIdentity, xmllint } from './cpa-fixtures.js';

describe('generateCpa: every profile x connection type is valid per the OASIS cpp-cpa-2_0.xsd (xmllint)', () => {
  const hub = hubIdentity();
  const cases = DK_PROFILES.flatMap((profile) => (['diginetwerk', 'internet'] as const).map((c) => [profile, c] as const));

  test.each(cases)('%s over %s', (profile, connectietype) => {
    const g = generateCpa(adapterFields({ profile, connectietype }), { hub, uuid: '0d3c1f2e-1111-4222-8333-944455556666' });
    const [status, out] = xmllint(g.xml);
    expect(out.trim()).toBe('cpa.xml validates');
    expect(status).toBe(0);
    // round trip: parse(serialize(m)) === m, and serialization is deterministic
    const parsed = parseCpa(g.xml);
    expect(parsed).toEqual(g.cpa);
    expect(serializeCpa(parsed)).toBe(g.xml);
    expect(g.xml).toContain(connectietype === 'diginetwerk' ? 'https://knooppunt.diginetwerk.example/ebms' : 'https://knooppunt.example.nl/ebms');
  });

  test('xmllint is a real check: a CPA with a wrong element order is refused', () => {
    const g = generateCpa(adapterFields(), { hub, uuid: 'u1' });
    const broken = g.xml.replace(/(<tns:Start>[^<]*<\/tns:Start>)(\s*)(<tns:End>[^<]*<\/tns:End>)/, '$3$2$1');
    const [status, out] = xmllint(broken);
    expect(status).toBe(3);
    expect(out).toContain("Element '{http://www.oasis-open.org/committees/ebxml-cppa/schema/cpp-cpa-2_0.xsd}End': This element is not expected. Expected is ( {http://www.oasis-open.org/committees/ebxml-cppa/schema/cpp-cpa-2_0.xsd}Start ).");
  });
});
