/** Day and clock time of unix-second timestamps in one IANA timezone, via Intl (no date library). */
export interface ZonedClock {
	readonly timeZone: string;
	/** `2026-06-25` */
	day(unixSeconds: number): string;
	/** `14:05` (24-hour) */
	time(unixSeconds: number): string;
}

interface LocalMinute {
	day: string;
	time: string;
}

/** Throws a RangeError naming the zone when Intl does not know it. */
export function createZonedClock(timeZone: string): ZonedClock {
	const format = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
	});
	// Chats cluster in the same minutes; formatToParts is the expensive step.
	const cache = new Map<number, LocalMinute>();

	const local = (unixSeconds: number): LocalMinute => {
		const minute = Math.floor(unixSeconds / 60);
		let value = cache.get(minute);
		if (value) return value;
		const fields: Record<string, string> = {};
		for (const part of format.formatToParts(minute * 60_000)) fields[part.type] = part.value;
		const hour = fields.hour === '24' ? '00' : fields.hour;
		value = {
			day: `${fields.year.padStart(4, '0')}-${fields.month}-${fields.day}`,
			time: `${hour}:${fields.minute}`,
		};
		if (cache.size > 10_000) cache.clear();
		cache.set(minute, value);
		return value;
	};

	return {
		timeZone: format.resolvedOptions().timeZone,
		day: (unixSeconds) => local(unixSeconds).day,
		time: (unixSeconds) => local(unixSeconds).time,
	};
}

export function isValidTimeZone(timeZone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone });
		return true;
	} catch {
		return false;
	}
}
