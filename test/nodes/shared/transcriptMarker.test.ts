/**
 * The marker line: the contract between the Transcript node (which writes it) and the Kommo node
 * (which reads it back from the notes on a lead).
 */
import {
	buildIdempotencyKey,
	formatMarker,
	isTranscriptKey,
	keyConversationId,
	MARKER_PREFIX,
	parseIdempotencyKey,
	parseMarker,
} from '../../../nodes/shared/transcriptMarker';

describe('transcript marker', () => {
	test('parseMarker reads the last marker line and ignores anything else', () => {
		const key = buildIdempotencyKey('215', '403918334', '9877');
		expect(key).toBe('intercom:215:403918334-9877');
		expect(formatMarker(key)).toBe('#intercom-kommo key=intercom:215:403918334-9877');
		expect(parseMarker(`Note\n\n${formatMarker(key)}`)).toBe(key);
		expect(parseMarker(`${MARKER_PREFIX}intercom:1:1-1\nquoted\n${formatMarker(key)}\n`)).toBe(key);
		expect(parseMarker('no marker here')).toBeNull();
		expect(parseMarker(`${MARKER_PREFIX}something-else`)).toBeNull();
		expect(parseMarker(`inline ${formatMarker(key)} is not a marker line`)).toBeNull();
		expect(parseMarker(undefined)).toBeNull();
	});

	test('a marker line may end in \\r\\n or carry the spaces an editor adds', () => {
		const key = buildIdempotencyKey('215', '1', '2');
		expect(parseMarker(`Note\r\n  ${formatMarker(key)}  \r\n`)).toBe(key);
		expect(parseMarker(`Note\r${formatMarker(key)}`)).toBe(key);
		// the last marker line wins even when it is not a transcript key
		expect(parseMarker(`${formatMarker(key)}\n${MARKER_PREFIX}other:1:1-1`)).toBeNull();
	});

	test('parseIdempotencyKey reads back the parts buildIdempotencyKey put in, pieces included', () => {
		expect(parseIdempotencyKey(buildIdempotencyKey('215', '403918334', '9877'))).toEqual({
			conversationId: '215',
			firstRef: '403918334',
			lastRef: '9877',
		});
		expect(parseIdempotencyKey(` ${buildIdempotencyKey('9', '1~2', '3~4')} `)).toEqual({
			conversationId: '9',
			firstRef: '1~2',
			lastRef: '3~4',
		});
		expect(parseIdempotencyKey('intercom:215:403918334')).toBeNull();
		expect(parseIdempotencyKey('kommo:215:1-2')).toBeNull();
		expect(parseIdempotencyKey('intercom::1-2')).toBeNull();
		expect(parseIdempotencyKey(42)).toBeNull();
	});

	test('isTranscriptKey: only keys the Transcript node writes', () => {
		expect(isTranscriptKey(buildIdempotencyKey('1', '1', '1'))).toBe(true);
		expect(isTranscriptKey('my-own-key')).toBe(false);
	});

	test('keyConversationId: the second segment, with or without a well-formed range', () => {
		expect(keyConversationId(buildIdempotencyKey('215', '1', '9'))).toBe('215');
		expect(keyConversationId('intercom:215:edited by hand')).toBe('215');
		expect(parseIdempotencyKey('intercom:215:edited by hand')).toBeNull();
		expect(keyConversationId('intercom:')).toBeNull();
	});
});
