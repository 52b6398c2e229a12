/**
 * The parts of the public API's resources the console reads. They mirror the response schemas
 * in openapi.yaml; the console ignores fields it does not know, so new ones never break it.
 */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: Array<{ path: string; message: string }>;
}

export interface Page<T> {
  data: T[];
  nextCursor?: string;
}

export interface Step {
  id: string;
  kind: string;
  status: 'scheduled' | 'due' | 'completed' | 'skipped' | 'cancelled';
  round: number;
  recipient: { name: string; email?: string; linkedinUrl?: string; role: string };
  channel: string;
  dueAt: string;
  timeZone: string;
  localDueAt: string;
  deadline?: string;
  late?: boolean;
  reason: string;
  draft?: { subject: string; body: string };
  checkInNumber?: number;
  snoozedFrom?: string;
  completedAt?: string;
  cancelledAt?: string;
  cancelReason?: string;
}

export interface Interview {
  id: string;
  externalId?: string;
  status: 'active' | 'closed';
  closedReason?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  nextDueAt?: string;
  candidate: { name: string; email?: string };
  role: { title: string; company: string };
  round: number;
  format: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  interviewers: Array<{ name: string; timeZone?: string }>;
  steps: Step[];
}

export interface ApiEvent {
  id: string;
  type: string;
  timestamp: string;
  interviewId?: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface Endpoint {
  id: string;
  url: string;
  description?: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason?: string;
  disabledAt?: string;
  lastSuccessAt?: string;
  secretRotatingUntil?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface EndpointWithSecret extends Endpoint {
  secret: string;
}

export interface Attempt {
  id: string;
  eventId: string;
  endpointId: string;
  attempt: number;
  attemptedAt: string;
  outcome: 'succeeded' | 'failed';
  statusCode?: number;
  latencyMs: number;
  error?: string;
  responseBody?: string;
  nextAttemptAt?: string;
}
