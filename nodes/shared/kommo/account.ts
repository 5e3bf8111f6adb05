/**
 * The one reader of a Kommo account address. The Kommo credentials (their test request and the
 * OAuth2 token URL, as n8n expressions), the Kommo transport and the Kommo Trigger all go through
 * {@link resolveKommoAccount}, so they can never disagree about which host an account lives on.
 */

export interface KommoAccountAddress {
	/** `https://<subdomain>.<domain>` or the custom base URL, without a trailing slash */
	baseUrl: string;
	/** the account name Kommo puts in `account[subdomain]`; null for a custom base URL */
	subdomain: string | null;
	/** `kommo.com`, `amocrm.ru`, `amocrm.com`, or `custom` */
	domain: string;
}

/**
 * Reads the credential's Subdomain, Domain and Base URL fields, accepting what people paste into
 * Subdomain: `acme`, `acme.kommo.com`, `https://acme.kommo.com/`, a deal's address from the
 * browser, `acme.amocrm.ru`, in any case and with stray spaces. Anything else throws an Error whose
 * message says what to enter instead.
 *
 * It must stay self-contained (no imports, no module-level names): {@link kommoAccountExpression}
 * embeds its source in the credentials' n8n expressions, which run where nothing else exists.
 */
export function resolveKommoAccount(
	subdomainField: unknown,
	domainField: unknown,
	baseUrlField: unknown,
): KommoAccountAddress {
	const knownDomains = ['kommo.com', 'amocrm.ru', 'amocrm.com'];
	const text = (value: unknown) =>
		value === undefined || value === null ? '' : String(value).replace(/\s+/g, '');
	const chosenDomain = text(domainField).toLowerCase();

	if (chosenDomain === 'custom') {
		const baseUrl = text(baseUrlField).replace(/\/+$/, '');
		if (!/^https?:\/\/[^/?#]+/i.test(baseUrl)) {
			throw new Error(
				`The Kommo credential's Base URL must be a full address such as https://kommo-proxy.example.com (it is "${baseUrl}")`,
			);
		}
		return { baseUrl, subdomain: null, domain: 'custom' };
	}
	if (chosenDomain !== '' && knownDomains.indexOf(chosenDomain) === -1) {
		throw new Error(
			`The Kommo credential's Domain "${chosenDomain}" is not one of ${knownDomains.join(', ')} or Custom Base URL`,
		);
	}

	const pasted = text(subdomainField);
	const host = pasted
		.toLowerCase()
		.replace(/^https?:\/\//, '')
		.replace(/[/?#].*$/, '');
	if (host === '') {
		throw new Error(
			'The Kommo credential has no Subdomain: for https://mycompany.kommo.com enter "mycompany"',
		);
	}
	let subdomain = host;
	let domain = chosenDomain === '' ? 'kommo.com' : chosenDomain;
	const hostDomain = knownDomains.find((known) => host.endsWith(`.${known}`));
	if (hostDomain !== undefined) {
		subdomain = host.slice(0, -hostDomain.length - 1);
		if (chosenDomain !== '' && hostDomain !== chosenDomain) {
			throw new Error(
				`The Kommo credential's Subdomain "${pasted}" is on ${hostDomain}, but Domain is ${chosenDomain}: choose ${hostDomain} as Domain, or enter only "${subdomain}"`,
			);
		}
		domain = hostDomain;
	}
	if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(subdomain) || subdomain === 'www') {
		throw new Error(
			`"${pasted}" is not a Kommo account address: enter the first part of it, e.g. "mycompany" for https://mycompany.kommo.com`,
		);
	}
	return { baseUrl: `https://${subdomain}.${domain}`, subdomain, domain };
}

/** The account from a decrypted Kommo credential (either of the two types). */
export function kommoAccountOf(credentials: {
	subdomain?: unknown;
	domain?: unknown;
	baseUrl?: unknown;
}): KommoAccountAddress {
	return resolveKommoAccount(credentials.subdomain, credentials.domain, credentials.baseUrl);
}

/**
 * The account's base URL as the body of an n8n expression over the credential's own fields
 * (`$credentials.x` in a test request, `$self["x"]` in OAuth2 URLs), running
 * {@link resolveKommoAccount} itself rather than a copy of its rules.
 */
export function kommoAccountExpression(source: '$credentials' | '$self'): string {
	const field = (name: string) =>
		source === '$self' ? `$self["${name}"]` : `$credentials.${name}`;
	return `(${resolveKommoAccount.toString()})(${field('subdomain')}, ${field('domain')}, ${field('baseUrl')}).baseUrl`;
}
