import { Alert, Button, Flex } from '@hubspot/ui-extensions';
import type { ApiError } from './backend';

/** Something a panel needed did not load: the reason, Try again, and a way out. */
export function LoadFailed({ title, error, onRetry, onClose }: { title: string; error: ApiError; onRetry: () => void; onClose: () => void }) {
  return (
    <>
      <Alert title={title} variant="error">
        {error.message}
      </Alert>
      <Flex gap="small">
        <Button onClick={onRetry}>Try again</Button>
        <Button onClick={onClose}>Close</Button>
      </Flex>
    </>
  );
}

/** An editor's footer: why the last save was refused (the backend's problems), Save and Cancel. */
export function SaveBar({ error, busy, onSave, onCancel }: { error: ApiError | undefined; busy: boolean; onSave: () => void; onCancel: () => void }) {
  return (
    <>
      {error && (
        <Alert title={error.message} variant="error" testId="save-error">
          {error.problems.join(' ')}
        </Alert>
      )}
      <Flex gap="small">
        <Button variant="primary" onClick={onSave} disabled={busy}>
          Save
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </Flex>
    </>
  );
}
