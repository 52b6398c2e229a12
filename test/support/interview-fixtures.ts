/** Interview inputs for API tests, anchored to the harness clock (Monday 2026-03-02 09:00Z). */
export function interviewInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalId: 'ats-1001',
    candidate: { name: 'Dana Whitfield', email: 'dana@example.com', phone: '+1 555 0100' },
    role: { title: 'Backend Engineer', company: 'Northwind' },
    format: 'video',
    startsAt: '2026-03-03T14:00:00Z',
    endsAt: '2026-03-03T15:00:00Z',
    timeZone: 'America/New_York',
    interviewers: [
      {
        name: 'Priya Raman',
        email: 'priya@northwind.example',
        title: 'Engineering Manager',
        topics: ['event sourcing'],
      },
      {
        name: 'Marco Ortiz',
        linkedinUrl: 'https://www.linkedin.com/in/marco-ortiz',
        topics: ['on-call rotations'],
      },
    ],
    nextSteps: { decisionExpectedBy: '2026-03-13' },
    ...overrides,
  };
}
